/**
 * The agent runtime: the agent loop, persistent sessions owned by
 * principals, sub-agents (the `task` tool), the `Frontend` interface and the
 * approval bridge between them. Every tool call an agent makes goes through
 * the security interceptor.
 *
 * @module
 */

export {
  AgentHost,
  type AgentHostOptions,
  DEFAULT_SYSTEM_PROMPT,
  deleteSessionRecorded,
  type StartTurn,
} from "./agent_host.ts";
export type { AgentEvent, TurnResult, TurnStatus } from "./agent_event.ts";
export type { Frontend, TurnControl, TurnHandle } from "./frontend.ts";
export { ApprovalBridge, type ApprovalRoute } from "./approval_bridge.ts";
export { type AgentToolContext, NO_TOOLS, type ToolHost, type ToolOutput } from "./tool_host.ts";
export {
  ESCAPE_ORDER,
  isInside,
  MODE_ORDER,
  narrowScope,
  type ScopeResult,
  type SubAgentLimits,
  type SubAgentRequest,
  TASK_TOOL,
} from "./agent_scope.ts";
export { type ChildRequest, TASK_SPEC } from "./subagent.ts";
export { INTERRUPTED_NOTE, type ResumeReport } from "./resume_session.ts";
export {
  historyOf,
  openCalls,
  parseRecordBody,
  type RecordBody,
  type RecordedCall,
  TOOL_RESULT_STATUSES,
  type ToolResultStatus,
} from "./session_record.ts";
export { loadRecords, openOwnedSession } from "./load_session.ts";
export { MAX_RESULT_CHARS } from "./run_tool_call.ts";
export { builtinToolHost } from "./builtin_tool_host.ts";
export { combineToolHosts } from "./combine_tool_hosts.ts";
