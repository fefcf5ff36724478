/**
 * MCP, the client side: start a stdio server with exactly the environment it
 * was given, list and pin its tools, and run its tool calls through the
 * interceptor like any other tool call.
 *
 * @module
 */

export { type McpLaunch, MINIMAL_PATH } from "./mcp_launch.ts";
export { resolveCommand } from "./resolve_command.ts";
export { type StdioProcessOptions, StdioProcessTransport } from "./stdio_process_transport.ts";
export {
  MAX_TOOLS,
  McpSession,
  type McpSessionOptions,
  type McpToolResult,
  startMcpServer,
} from "./mcp_session.ts";
export {
  type CallToolResultLike,
  type RenderedToolResult,
  renderToolResult,
} from "./render_tool_result.ts";
export {
  type McpToolInfo,
  TOOL_LIST_DOMAIN,
  type ToolListChange,
  toolListChange,
  toolListHash,
} from "./tool_list_hash.ts";
export {
  checkToolPin,
  describeToolChange,
  pinTools,
  type PinVerdict,
  type ToolPin,
} from "./tool_pin.ts";
export {
  MAX_PATH_ARGUMENTS,
  type PathArgument,
  type PathArguments,
  pathArguments,
} from "./path_arguments.ts";
export {
  classifyMcpCall,
  type McpCall,
  mcpToolName,
  type ToolClassifier,
} from "./classify_mcp_call.ts";
export {
  type ApprovedServer,
  type McpCallContext,
  type McpRuntime,
  type McpToolRun,
  runMcpTool,
} from "./run_mcp_tool.ts";
export { isOfferable, type McpToolSpec, mcpToolSpecs } from "./mcp_tool_specs.ts";
export { openApprovedServer, type OpenedServer } from "./open_approved_server.ts";
export {
  MCP_RUNNING_PREFIX,
  McpRunRegistry,
  processAlive,
  type RunningServer,
} from "./run_registry.ts";
export { type McpToolHost, mcpToolHost, type McpToolOutput } from "./mcp_tool_host.ts";
