/**
 * One MCP tool call -> the canonical actions the interceptor checks: the
 * `mcp_tool` action the classifier makes, plus a `file_read` (and, unless
 * the approved tool list marks the tool `readOnlyHint: true`, a
 * `file_write`) for every path-like argument, canonicalized by the same
 * classifier the built-in tools use, relative to the server's working
 * folder.
 *
 * Trusting `readOnlyHint` is deliberate: the check on arguments defends
 * against an agent steering an honest server somewhere it should not go; a
 * dishonest server is native code the human approved at install and could
 * ignore its arguments anyway. The hint is part of the pinned tool list, so
 * a server that changes it is asked about again.
 *
 * @module
 */

import type { JsonValue } from "../core/mod.ts";
import type { Action, ClassifiedCall } from "../security/mod.ts";
import { pathArguments } from "./path_arguments.ts";

/** The one classifier of a runtime (`SecurityRuntime.classify`). */
export interface ToolClassifier {
  classify(tool: string, args: unknown, cwd?: string): ClassifiedCall;
}

/** A call to classify. */
export interface McpCall {
  readonly server: string;
  readonly tool: string;
  readonly args: Readonly<Record<string, JsonValue>>;
  /** The server's working folder: relative path arguments resolve here. */
  readonly cwd: string;
  /** The approved tool list says the tool only reads. */
  readonly readOnly: boolean;
}

/** The `mcp:<server>:<tool>` name the agent and the policy use. */
export function mcpToolName(server: string, tool: string): string {
  return `mcp:${server}:${tool}`;
}

/** Classify `call`; `{ ok: false }` means deny (nothing is guessed). */
export function classifyMcpCall(c: ToolClassifier, call: McpCall): ClassifiedCall {
  const name = mcpToolName(call.server, call.tool);
  const base = c.classify(name, call.args);
  if (!base.ok) return base;
  const found = pathArguments(call.args as JsonValue);
  if (!found.ok) return { ok: false, reason: `${name}: ${found.reason}` };
  const actions: Action[] = [...base.actions];
  const seen = new Set<string>();
  const add = (a: Action) => {
    const key = JSON.stringify(a);
    if (!seen.has(key)) {
      seen.add(key);
      actions.push(a);
    }
  };
  for (const p of found.paths) {
    const read = c.classify("read_file", { path: p.path }, call.cwd);
    if (!read.ok) return { ok: false, reason: `${name}: argument ${p.at}: ${read.reason}` };
    read.actions.forEach(add);
    if (call.readOnly) continue;
    const write = c.classify("write_file", { path: p.path, content: "" }, call.cwd);
    if (!write.ok) return { ok: false, reason: `${name}: argument ${p.at}: ${write.reason}` };
    write.actions.forEach(add);
  }
  return { ok: true, actions, argBytes: base.argBytes };
}
