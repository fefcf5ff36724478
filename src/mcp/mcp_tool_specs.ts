/**
 * The tools of approved servers as the agent is offered them:
 * `mcp:<server>:<tool>` with the pinned description and input schema.
 * Pure. A tool whose name the classifier could not round-trip (outside
 * the MCP spec's letters, digits, `_`, `-`, `.` and `/`) is not offered.
 *
 * @module
 */

import type { JsonValue } from "../core/mod.ts";
import { mcpToolName } from "./classify_mcp_call.ts";
import type { McpToolInfo } from "./tool_list_hash.ts";

/** A tool as a model is offered it (the shape of the LLM layer's `LlmToolSpec`). */
export interface McpToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, JsonValue>>;
}

const TOOL_NAME = /^[A-Za-z0-9_.\/-]{1,128}$/;
const SERVER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Whether `tool` of `server` can be offered as `mcp:<server>:<tool>`. */
export function isOfferable(server: string, tool: string): boolean {
  return SERVER_NAME.test(server) && TOOL_NAME.test(tool);
}

/** The specs of `tools` (a pinned list) of `server`. */
export function mcpToolSpecs(server: string, tools: readonly McpToolInfo[]): McpToolSpec[] {
  return tools.filter((t) => isOfferable(server, t.name)).map((t) => ({
    name: mcpToolName(server, t.name),
    description: t.description,
    inputSchema: t.inputSchema.type === "object" ? t.inputSchema : { type: "object" },
  }));
}
