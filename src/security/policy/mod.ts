/**
 * The admin policy (stage 1 of the interceptor) and the workspace-mode
 * decision: pure functions over canonical actions.
 *
 * @module
 */

export {
  DEFAULT_MAX_ARGUMENT_BYTES,
  defaultPolicyConfig,
  type PolicyConfig,
} from "./policy_config.ts";
export {
  FLOOR_BLOCKED_COMMANDS,
  FLOOR_DENIED_PATHS,
  FLOOR_DEV_EXCEPTIONS,
  FLOOR_WRITE_DENIED_PATHS,
} from "./policy_floor.ts";
export {
  type CompiledPolicy,
  compilePolicy,
  escapeGlob,
  type GlobRule,
  type HostRule,
  type NamedRule,
  type PathRule,
  type PolicyScope,
} from "./compile_policy.ts";
export {
  evaluateCallPolicy,
  evaluatePolicy,
  isInside,
  type PolicyDecision,
  type PolicyMeta,
  unsafePathReason,
} from "./evaluate_policy.ts";
export { compileHostPattern, type HostPattern, normalizeHost } from "./host_pattern.ts";
export {
  type EscapePolicy,
  type ModeDecision,
  modeDecision,
  type ModeScope,
  type ModeSettings,
  type WorkspaceMode,
} from "./mode_decision.ts";
export {
  checkPolicyExamples,
  type ExampleDecision,
  type ExampleOutcome,
  type PolicyExample,
  type PolicyExampleFailure,
} from "./check_policy_examples.ts";
