/**
 * The approval stage: what a human is asked, how answers are bound to the
 * exact action, how "Allow Session" generalizes, the deferred queue and the
 * denial counter that pauses a looping session.
 *
 * @module
 */

export { actionHash } from "./action_hash.ts";
export { allowanceCovers, allowancePatternFor, type CommandKey } from "./allowance.ts";
export {
  APPROVAL_DECISIONS,
  APPROVAL_LABELS,
  type ApprovalAnswer,
  type ApprovalChannel,
  type ApprovalDecision,
  type ApprovalRequest,
  NO_HUMAN,
} from "./approval.ts";
export {
  expireIfStale,
  type QueuedApproval,
  type QueuedStatus,
  type QueueTransition,
  resolveQueued,
  useQueued,
} from "./deferred.ts";
export {
  countDecision,
  type DenialLimits,
  type DenialState,
  NO_DENIALS,
  resumeSession,
} from "./denial_counter.ts";
