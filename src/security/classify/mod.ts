/**
 * Tool-call classification: a proposed call becomes the canonical actions
 * the interceptor checks.
 *
 * @module
 */

export {
  BUILTIN_TOOLS,
  type ClassifiedCall,
  type ClassifyEnv,
  classifyToolCall,
} from "./classify_tool_call.ts";
export { type GlobRoot, globRoot } from "./glob_root.ts";
export {
  type ActionCheck,
  type CallDecision,
  type DecideContext,
  decideToolCall,
} from "./decide_tool_call.ts";
