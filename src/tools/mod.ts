/**
 * The built-in tools, as executors. Authorization happens before them, in the
 * interceptor (see `run_tool.ts`); they confine every path at use.
 *
 * @module
 */

export {
  clipOutput,
  DEFAULT_TOOL_LIMITS,
  type ToolContext,
  type ToolDefinition,
  toolError,
  type ToolLimits,
  type ToolPreview,
  type ToolResult,
} from "./tool.ts";
export { readFileTool } from "./read_file.ts";
export { writeFileTool } from "./write_file.ts";
export { editFileTool } from "./edit_file.ts";
export { globTool } from "./glob_tool.ts";
export { grepTool } from "./grep_tool.ts";
export { listDirectoryTool } from "./list_directory.ts";
export { bashTool, scrubEnv } from "./bash_tool.ts";
export { walkWorkspace } from "./walk_workspace.ts";

import type { ToolDefinition } from "./tool.ts";
import { readFileTool } from "./read_file.ts";
import { writeFileTool } from "./write_file.ts";
import { editFileTool } from "./edit_file.ts";
import { globTool } from "./glob_tool.ts";
import { grepTool } from "./grep_tool.ts";
import { listDirectoryTool } from "./list_directory.ts";
import { bashTool } from "./bash_tool.ts";

/** The seven built-in tools (the eighth, `task`, belongs to the agent runtime). */
export function builtinTools(): ToolDefinition<unknown>[] {
  return [
    readFileTool,
    writeFileTool,
    editFileTool,
    globTool,
    grepTool,
    listDirectoryTool,
    bashTool,
  ] as ToolDefinition<unknown>[];
}
