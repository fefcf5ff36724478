/**
 * One built-in tool call, end to end: validate the arguments, classify the
 * call into canonical actions, show a preview, pass the interceptor, and only
 * on `allow` execute, then record the outcome. The approval is bound to the
 * exact actions: they are classified again right before execution, and if
 * anything differs (a path now resolves elsewhere) the call does not run.
 *
 * @module
 */

import { actionHash } from "../security/mod.ts";
import {
  builtinTools,
  clipOutput,
  DEFAULT_TOOL_LIMITS,
  type ToolDefinition,
  type ToolLimits,
  type ToolResult,
} from "../tools/mod.ts";
import { WorkspaceBoundary } from "../workspace/mod.ts";
import type { SecurityRuntime } from "./security_runtime.ts";

/** Who is calling, and with what. */
export interface ToolCallContext {
  readonly sessionId: string;
  readonly principal: string;
  readonly signal: AbortSignal;
  /** The environment commands inherit from (scrubbed by the bash tool). */
  readonly env: Readonly<Record<string, string>>;
  readonly requestedBy?: string;
}

/** What happened to the call. */
export type ToolRun =
  | {
    readonly kind: "ran";
    readonly result: ToolResult;
    readonly via: string;
    readonly auditSeq: number;
  }
  | {
    readonly kind: "denied";
    readonly stage: string;
    readonly reason: string;
    readonly auditSeq?: number;
  }
  | {
    readonly kind: "deferred";
    readonly requestId: string;
    readonly reason: string;
    readonly auditSeq: number;
  }
  | { readonly kind: "invalid"; readonly reason: string };

/** The `[tools]` limits of a runtime's config. */
export function toolLimits(rt: SecurityRuntime): ToolLimits {
  return { ...DEFAULT_TOOL_LIMITS, ...rt.config.tools };
}

/** Find a built-in tool by name. */
export function builtinTool(name: string): ToolDefinition<unknown> | undefined {
  return builtinTools().find((t) => t.name === name);
}

/** Run `name` with `raw` arguments through the interceptor. */
export async function runTool(
  rt: SecurityRuntime,
  name: string,
  raw: unknown,
  ctx: ToolCallContext,
): Promise<ToolRun> {
  const tool = builtinTool(name);
  if (!tool) return { kind: "invalid", reason: `unknown tool "${name}"` };
  let args: unknown;
  try {
    args = tool.parse(raw);
  } catch (e) {
    return { kind: "invalid", reason: (e as Error).message };
  }
  const workspace = WorkspaceBoundary.open(rt.workspace);
  const limits = toolLimits(rt);
  const callCtx = {
    sessionId: ctx.sessionId,
    principal: ctx.principal,
    workspaceKey: rt.workspace,
    signal: ctx.signal,
  };
  const classified = rt.classify(name, raw);
  if (!classified.ok) {
    // Unresolvable means denied, and the refusal is on the record like any decision.
    const entry = await rt.audit.append({
      sessionId: ctx.sessionId,
      principal: ctx.principal,
      kind: "decision",
      summary: `${name}: ${classified.reason}`,
      decision: "deny",
      stage: "policy",
      proof: { rule: "classify:unresolvable", reason: classified.reason },
      detail: { tool: name, requestedBy: ctx.requestedBy ?? "agent" },
    });
    return { kind: "denied", stage: "policy", reason: classified.reason, auditSeq: entry.seq };
  }
  const toolCtx = { workspace, signal: ctx.signal, limits, env: ctx.env };
  const preview = await tool.preview?.(args, toolCtx).catch(() => undefined);
  const decision = await rt.interceptor.intercept({
    tool: name,
    actions: classified.actions,
    argBytes: classified.argBytes,
    ...(preview ? { preview: preview.text } : {}),
    requestedBy: ctx.requestedBy ?? "agent",
  }, callCtx);
  if (decision.kind === "deny") {
    return {
      kind: "denied",
      stage: decision.stage,
      reason: decision.reason,
      auditSeq: decision.entry.seq,
    };
  }
  if (decision.kind === "defer") {
    return {
      kind: "deferred",
      requestId: decision.requestId,
      reason: decision.reason,
      auditSeq: decision.entry.seq,
    };
  }
  // What runs must be what was approved.
  const now = rt.classify(name, raw);
  if (!now.ok || actionHash(now.actions) !== decision.actionHash) {
    const reason =
      "the call changed between approval and execution (a path now resolves elsewhere)";
    await rt.interceptor.complete(decision, callCtx, { ok: false, error: reason });
    return { kind: "denied", stage: "approval", reason, auditSeq: decision.entry.seq };
  }
  const allowOutside = classified.actions.some((a) =>
    "inWorkspace" in a && a.inWorkspace === false
  );
  let result: ToolResult;
  try {
    result = await tool.execute(args, { ...toolCtx, allowOutside });
  } catch (e) {
    result = {
      ok: false,
      output: `${name} failed: ${(e as Error).message}`,
      error: (e as Error).message,
    };
  }
  await rt.interceptor.complete(decision, callCtx, {
    ok: result.ok,
    ...(result.error !== undefined ? { error: result.error } : {}),
    summary: clipOutput(result.output, 2048),
  });
  return { kind: "ran", result, via: decision.via, auditSeq: decision.entry.seq };
}
