/**
 * The SecurityInterceptor and the ports it runs through.
 *
 * @module
 */

export {
  type CallContext,
  type Decision,
  type DryRunResult,
  type InterceptorConfig,
  type InterceptorDeps,
  type ProposedCall,
  SecurityInterceptor,
  type StaticVerdict,
  staticVerdict,
} from "./intercept.ts";
export type {
  AuthorizationProof,
  CommitRejection,
  CommitResult,
  DecisionCommit,
  DecisionRecord,
  DecisionStore,
  EntryRef,
  SessionAllowance,
  SessionSecurityState,
  Stage,
  StageVerdict,
  TokenGate,
  TokenMatch,
} from "./ports.ts";
export { FakeDecisionStore } from "./fake_decision_store.ts";
export {
  type GuardedCall,
  type GuardedCallPorts,
  type GuardedResult,
  type GuardedRun,
  runGuarded,
} from "./guarded_call.ts";
