/**
 * The ports the interceptor shell talks through. Each is small, has a Deno KV
 * adapter under `src/storage/` and is faked in tests, so the decision order
 * itself is tested without I/O.
 *
 * @module
 */

import type { Action, Permission } from "../action.ts";
import type { ApprovalDecision, ApprovalRequest } from "../approval/approval.ts";
import type { BudgetAccount } from "../budget/budget_math.ts";
import type { DenialState } from "../approval/denial_counter.ts";

/** The five stages, in the seed's order. */
export type Stage = "policy" | "token" | "budget" | "approval" | "audit";

/** What the policy stage says about one action. */
export type StageVerdict =
  | { kind: "allow"; rule?: string; reason?: string }
  | { kind: "ask"; rule: string; reason: string }
  | { kind: "deny"; rule: string; reason: string };

/** A remembered "Allow Session" decision. */
export interface SessionAllowance {
  readonly id: string;
  /** Resource glob (token scope language) or `cmd:<executable>:<shape>` for commands. */
  readonly pattern: string;
  readonly permission: Permission;
  readonly createdAt: number;
  /** The decision entry that created it. */
  readonly auditEntryId: string;
}

/** A token that covers an action, as found by the token stage. */
export interface TokenMatch {
  readonly tokenId: string;
  readonly tokenHash: string;
  readonly singleUse: boolean;
}

/** What the store knows about a session when a decision starts. */
export interface SessionSecurityState {
  readonly budget: BudgetAccount;
  readonly workspaceBudget: BudgetAccount;
  readonly denials: DenialState;
  readonly allowances: readonly SessionAllowance[];
  /** False when the audit chain failed verification and the human has not acknowledged it. */
  readonly auditIntact: boolean;
}

/** The audit record of one decision (mapped onto an audit entry by the store). */
export interface DecisionRecord {
  readonly sessionId: string;
  readonly principal: string;
  readonly requestedBy: string;
  /** Set for a sub-agent's call: the delegating agent's session. */
  readonly parentSessionId?: string;
  readonly tool: string;
  readonly actions: readonly Action[];
  readonly actionHash: string;
  readonly decision: "allow" | "deny" | "defer";
  readonly stage: Stage;
  readonly rule?: string;
  readonly reason: string;
  readonly proof: AuthorizationProof;
  readonly costMicros: number;
}

/** Why an allowed action was allowed (or what denied it). */
export interface AuthorizationProof {
  readonly policy: string;
  readonly via?: "mode" | "token" | "allowance" | "approval" | "deferred_approval";
  readonly tokenId?: string;
  readonly tokenHash?: string;
  readonly allowanceId?: string;
  readonly approval?: {
    readonly requestId: string;
    readonly decision: ApprovalDecision;
    readonly answeredBy: string;
  };
}

/** Everything one decision writes, committed atomically with its audit entry. */
export interface DecisionCommit {
  readonly record: DecisionRecord;
  /**
   * The token an allow relies on. The commit re-checks, atomically with the
   * entry, that it is not revoked and (single-use) not yet used, and spends it.
   */
  readonly token?: { readonly tokenId: string; readonly singleUse: boolean };
  readonly reservation?: {
    readonly id: string;
    readonly amountMicros: number;
    readonly workspaceKey: string;
  };
  readonly allowances?: readonly SessionAllowance[];
  readonly deferred?: ApprovalRequest & { readonly expiresAt: number };
  /** Consume this queued request (approved by a human while the agent waited). */
  readonly consumeDeferred?: string;
  /** Denied decisions count towards pausing the session. */
  readonly countsAsDenial: boolean;
}

/** A committed audit entry, as far as the interceptor needs it. */
export interface EntryRef {
  readonly id: string;
  readonly seq: number;
  readonly hash: string;
}

/** A check inside the commit that turned an allow into a recorded denial. */
export interface CommitRejection {
  readonly stage: Stage;
  readonly rule: string;
  readonly reason: string;
}

/** Result of committing a decision. */
export interface CommitResult {
  readonly entry: EntryRef;
  /**
   * Set when an allow failed a check made atomically with the commit (session
   * paused meanwhile, token revoked or already used, budget exhausted by
   * concurrent actions): the denial was recorded instead, and nothing else written.
   */
  readonly rejected?: CommitRejection;
  readonly denials: DenialState;
}

/** Durable state for decisions: budgets, allowances, denial counts, queue and audit. */
export interface DecisionStore {
  readState(sessionId: string, workspaceKey: string): Promise<SessionSecurityState>;
  /**
   * One atomic commit: for an allow, the checks above and the reservation;
   * then the side records and the decision entry.
   */
  commit(commit: DecisionCommit): Promise<CommitResult>;
  /** Record the outcome entry linked to `decision`, settling or refunding its reservation. */
  complete(input: {
    readonly decision: EntryRef;
    readonly sessionId: string;
    readonly principal: string;
    readonly reservation?: { id: string; workspaceKey: string; amountMicros: number };
    readonly actualMicros: number;
    readonly ok: boolean;
    readonly error?: string;
    readonly summary?: string;
  }): Promise<EntryRef>;
  /** A queued request for `actionHash` in this session that a human has approved, if any. */
  findApprovedDeferred(sessionId: string, actionHash: string): Promise<string | undefined>;
}

/** The token stage's view of the token store. */
export interface TokenGate {
  /** A valid, unrevoked, unexpired token covering `action` for this principal/session. */
  find(
    action: Action,
    ctx: { principal: string; sessionId: string },
  ): Promise<TokenMatch | undefined>;
  /** Mint the persistent token for "Allow Always", linked to the entry that created it. */
  mintAlways(
    actions: readonly Action[],
    ctx: { principal: string; sessionId: string; entry: EntryRef },
  ): Promise<{ tokenId: string } | undefined>;
}
