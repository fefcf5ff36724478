/**
 * One built-in tool call, end to end: validate the arguments, classify the
 * call into canonical actions, show a preview, pass the interceptor, and only
 * on `allow` execute, then record the outcome. The approval is bound to the
 * exact actions: they are classified again right before execution, and if
 * anything differs (a path now resolves elsewhere) the call does not run.
 *
 * @module
 */

import { type GuardedRun, runGuarded } from "../security/mod.ts";
import {
  builtinTools,
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
export type ToolRun = GuardedRun<ToolResult> | {
  readonly kind: "invalid";
  readonly reason: string;
};

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
  const toolCtx = { workspace, signal: ctx.signal, limits: toolLimits(rt), env: ctx.env };
  return await runGuarded<ToolResult>(rt, {
    tool: name,
    requestedBy: ctx.requestedBy ?? "agent",
    ctx: {
      sessionId: ctx.sessionId,
      principal: ctx.principal,
      workspaceKey: rt.workspace,
      signal: ctx.signal,
    },
    classify: () => rt.classify(name, raw),
    preview: async () => (await tool.preview?.(args, toolCtx))?.text,
    // An allowed action outside the workspace is an approved escape.
    run: (approved) =>
      tool.execute(args, {
        ...toolCtx,
        allowOutside: approved.actions.some((a) => "inWorkspace" in a && a.inWorkspace === false),
      }),
    failure: (message) => ({ ok: false, output: `${name} failed: ${message}`, error: message }),
  });
}
