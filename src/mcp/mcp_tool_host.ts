/**
 * Approved MCP servers as the agent's tool host (the shape of the agent
 * runtime's `ToolHost`): their pinned tools are offered as
 * `mcp:<server>:<tool>`, and an allowed call is sent to its server.
 *
 * The agent loop intercepts each call before `call()` runs, classifying it
 * with the runtime's classifier, which gives an MCP call one `mcp_tool`
 * action and no paths. So `call()` is a second gate: it classifies the call
 * again with {@link classifyMcpCall} and refuses it when the policy denies
 * any file the arguments name (`/etc/**`, `denied_paths`, ...). Until the
 * loop classifies MCP calls with `classifyMcpCall` itself, path rules that
 * would only *ask* are not applied on this path; denials are.
 *
 * @module
 */

import type { JsonValue } from "../core/mod.ts";
import { type ClassifiedCall, type CompiledPolicy, evaluatePolicy } from "../security/mod.ts";
import { classifyMcpCall, mcpToolName, type ToolClassifier } from "./classify_mcp_call.ts";
import { type McpToolSpec, mcpToolSpecs } from "./mcp_tool_specs.ts";
import { type ApprovedServer, toolsChangedReason } from "./run_mcp_tool.ts";

/** What a call returned (the shape of the agent runtime's `ToolOutput`). */
export interface McpToolOutput {
  readonly ok: boolean;
  readonly output: string;
  readonly error?: string;
}

/** The tool host. */
export interface McpToolHost {
  specs(): readonly McpToolSpec[];
  /** The interceptor's view of a call, path arguments included (see `classifyMcpCall`). */
  classify(name: string, args: Readonly<Record<string, unknown>>): ClassifiedCall | undefined;
  call(
    name: string,
    args: Readonly<Record<string, unknown>>,
    ctx: { readonly signal: AbortSignal },
  ): Promise<McpToolOutput>;
}

/** Offer the pinned tools of `servers`; `rt` is the runtime (its classifier and policy). */
export function mcpToolHost(
  rt: ToolClassifier & { readonly policy: CompiledPolicy },
  servers: readonly ApprovedServer[],
  options: { readonly timeoutMs?: number; readonly maxOutputBytes?: number } = {},
): McpToolHost {
  const specs = servers.flatMap((s) => mcpToolSpecs(s.server, s.tools));
  const fail = (error: string): McpToolOutput => ({ ok: false, output: error, error });
  const classifyCall = (name: string, raw: Readonly<Record<string, unknown>>) => {
    const host = servers.find((s) => name.startsWith(`mcp:${s.server}:`));
    if (!host) return undefined;
    const tool = name.slice(`mcp:${host.server}:`.length);
    const info = host.tools.find((t) => t.name === tool);
    return classifyMcpCall(rt, {
      server: host.server,
      tool,
      args: JSON.parse(JSON.stringify(raw)) as Record<string, JsonValue>,
      cwd: host.cwd,
      readOnly: info?.annotations?.readOnlyHint === true,
    });
  };
  return {
    specs: () => specs,
    classify: classifyCall,
    async call(name, raw, ctx) {
      if (!specs.some((s) => s.name === name)) return fail(`no MCP tool "${name}"`);
      const host = servers.find((s) => name.startsWith(`mcp:${s.server}:`))!;
      const tool = name.slice(`mcp:${host.server}:`.length);
      const info = host.tools.find((t) => t.name === tool)!;
      if (host.session.toolsChanged) return fail(toolsChangedReason(host.server));
      const args = JSON.parse(JSON.stringify(raw)) as Record<string, JsonValue>;
      const classified = classifyMcpCall(rt, {
        server: host.server,
        tool,
        args,
        cwd: host.cwd,
        readOnly: info.annotations?.readOnlyHint === true,
      });
      if (!classified.ok) return fail(`${name} refused: ${classified.reason}`);
      for (const action of classified.actions) {
        if (action.kind === "mcp_tool") continue;
        const v = evaluatePolicy(rt.policy, action, {
          tool: mcpToolName(host.server, tool),
          argBytes: classified.argBytes,
          ...(host.capsule ? { capsule: host.capsule } : {}),
        });
        if (v.kind === "deny") {
          return fail(`${name} refused by the policy (${v.rule}): ${v.reason}`);
        }
      }
      try {
        const r = await host.session.callTool(tool, args, {
          signal: ctx.signal,
          timeoutMs: options.timeoutMs ?? 60_000,
          maxBytes: options.maxOutputBytes ?? 256 * 1024,
        });
        return r.ok ? { ok: true, output: r.text } : { ok: false, output: r.text, error: r.text };
      } catch (e) {
        return fail(`${name} failed: ${(e as Error).message}`);
      }
    },
  };
}
