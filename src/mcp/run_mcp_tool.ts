/**
 * One MCP tool call, end to end, the way `runTool()` runs a built-in one:
 * only tools of the approved (pinned) list, classified into actions (the
 * call and the paths in its arguments), passed through the interceptor,
 * sent to the server only on `allow`, and the outcome recorded. The approval
 * is bound to the exact actions: they are classified again right before the
 * call, and if anything differs the call is not sent.
 *
 * The runtime is a port (`SecurityRuntime` satisfies it), so this concern
 * does not depend on the runtime layer.
 *
 * @module
 */

import type { JsonValue } from "../core/mod.ts";
import {
  type AuditDraft,
  type CallContext,
  type GuardedRun,
  runGuarded,
  type SecurityInterceptor,
} from "../security/mod.ts";
import { classifyMcpCall, mcpToolName, type ToolClassifier } from "./classify_mcp_call.ts";
import type { McpToolResult } from "./mcp_session.ts";
import type { McpToolInfo } from "./tool_list_hash.ts";

/** What this needs of the runtime. */
export interface McpRuntime extends ToolClassifier {
  /** Canonical workspace root (the budget account key). */
  readonly workspace: string;
  readonly interceptor: Pick<SecurityInterceptor, "intercept" | "complete">;
  readonly audit: { append(draft: AuditDraft): Promise<{ readonly seq: number }> };
}

/** A running server whose tool list the human approved. */
export interface ApprovedServer {
  readonly server: string;
  /** The capsule that declared it (for `policy.blocked_capsules`). */
  readonly capsule?: string;
  /** The server's working folder: relative path arguments resolve here. */
  readonly cwd: string;
  /** The pinned tool list: nothing else is callable. */
  readonly tools: readonly McpToolInfo[];
  readonly session: {
    /** The server announced a new tool list since it started (`notifications/tools/list_changed`). */
    readonly toolsChanged?: boolean;
    callTool(
      tool: string,
      args: Readonly<Record<string, JsonValue>>,
      options?: { signal?: AbortSignal; timeoutMs?: number; maxBytes?: number },
    ): Promise<McpToolResult>;
  };
}

/** Who is calling. */
export interface McpCallContext {
  readonly sessionId: string;
  readonly principal: string;
  readonly signal: AbortSignal;
  readonly requestedBy?: string;
  /** Per-call time limit; default 60 s. */
  readonly timeoutMs?: number;
  /** Largest result text; default 256 KiB. */
  readonly maxOutputBytes?: number;
}

/** What happened to the call (the shape of `ToolRun`). */
export type McpToolRun =
  | GuardedRun<{ readonly ok: boolean; readonly output: string; readonly error?: string }>
  | { readonly kind: "invalid"; readonly reason: string };

/** Run `tool` of `host` with `raw` arguments through the interceptor. */
export async function runMcpTool(
  rt: McpRuntime,
  host: ApprovedServer,
  tool: string,
  raw: unknown,
  ctx: McpCallContext,
): Promise<McpToolRun> {
  const name = mcpToolName(host.server, tool);
  const info = host.tools.find((t) => t.name === tool);
  if (!info) {
    return {
      kind: "invalid",
      reason: `MCP server "${host.server}" has no approved tool "${tool}"`,
    };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { kind: "invalid", reason: `${name}: expected a JSON object of arguments` };
  }
  // A plain JSON copy: what is checked is what gets sent.
  const args = JSON.parse(JSON.stringify(raw)) as Record<string, JsonValue>;
  const call = {
    server: host.server,
    tool,
    args,
    cwd: host.cwd,
    readOnly: info.annotations?.readOnlyHint === true,
  };
  const requestedBy = ctx.requestedBy ?? "agent";
  const callCtx: CallContext = {
    sessionId: ctx.sessionId,
    principal: ctx.principal,
    workspaceKey: rt.workspace,
    signal: ctx.signal,
  };
  if (host.session.toolsChanged) {
    // A tool list changed under a running session is on the record, like any refusal.
    const reason = toolsChangedReason(host.server);
    const entry = await rt.audit.append({
      sessionId: ctx.sessionId,
      principal: ctx.principal,
      kind: "decision",
      summary: `${name}: ${reason}`,
      decision: "deny",
      stage: "policy",
      proof: { rule: "mcp:tools_changed", reason },
      detail: { tool: name, requestedBy },
    });
    return { kind: "denied", stage: "policy", reason, auditSeq: entry.seq };
  }
  return await runGuarded(rt, {
    tool: name,
    requestedBy,
    ...(host.capsule ? { capsule: host.capsule } : {}),
    ctx: callCtx,
    classify: () => classifyMcpCall(rt, call),
    preview: () => Promise.resolve(preview(name, args)),
    run: async () => {
      const r = await host.session.callTool(tool, args, {
        signal: ctx.signal,
        timeoutMs: ctx.timeoutMs ?? 60_000,
        maxBytes: ctx.maxOutputBytes ?? 256 * 1024,
      });
      return r.ok
        ? { ok: true, output: r.text }
        : { ok: false, output: r.text, error: firstLine(r.text) };
    },
    failure: (message) => ({ ok: false, output: `${name} failed: ${message}`, error: message }),
  });
}

/** Why a server that announced a new tool list is not called. */
export function toolsChangedReason(server: string): string {
  return `MCP server "${server}" announced a changed tool list since it was approved; ` +
    `none of its tools is called until the list is checked again ('astrid servers tools ${server}')`;
}

function preview(name: string, args: Record<string, JsonValue>): string {
  const json = JSON.stringify(args, null, 2);
  return `${name}\n${json.length > 4000 ? `${json.slice(0, 4000)}\n...` : json}`;
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line === "" ? "the server reported an error" : line.slice(0, 500);
}
