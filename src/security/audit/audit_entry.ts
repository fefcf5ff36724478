/**
 * The audit entry model: what the runtime records about every decision and
 * outcome, and the draft callers hand in (the log assigns position, id, time
 * and hashes).
 *
 * @module
 */

import type { JsonValue } from "../../core/mod.ts";
import type { Action } from "../action.ts";

/** What an entry records. */
export type AuditKind = "decision" | "outcome" | "event";

/** Every {@link AuditKind}, for validation and filters. */
export const AUDIT_KINDS: readonly AuditKind[] = ["decision", "outcome", "event"];

/**
 * The decision an entry records: usually `"allow"`, `"deny"`, `"ask"` or
 * `"defer"`; other short strings (an expired deferral, a revocation, an
 * acknowledgement) are accepted too, so the log can record what the runtime
 * adds later without a format change.
 */
export type AuditDecision = string;

/** Why an action was allowed, or what denied it. */
export interface AuditProof {
  /** The policy rule that decided (`"floor:/etc/**"`, `"mode:guided"`). */
  readonly rule?: string;
  /** The policy verdict at the policy stage (`"allow"`, `"ask"`, `"deny"`). */
  readonly policy?: string;
  /** Human-readable reason; for a denial, the denial reason. */
  readonly reason?: string;
  /** What authorized it: `"mode"`, `"token"`, `"allowance"`, `"approval"`, ... */
  readonly via?: string;
  readonly tokenId?: string;
  readonly tokenHash?: string;
  readonly allowanceId?: string;
  /** The audit entry recording the human's approval, if it is a separate entry. */
  readonly approvalEntryId?: string;
  readonly approval?: {
    readonly requestId: string;
    readonly decision: string;
    readonly answeredBy: string;
  };
}

/** What happened when the action ran. */
export interface AuditOutcome {
  readonly ok: boolean;
  /** Error text when it failed (clipped to a few KiB, see `sealAuditEntry`). */
  readonly error?: string;
  readonly summary?: string;
  readonly costMicros?: number;
  readonly durationMs?: number;
}

/** References to other entries and sessions. */
export interface AuditLinks {
  /** The decision entry an outcome belongs to. */
  readonly decisionId?: string;
  readonly decisionSeq?: number;
  readonly parentSessionId?: string;
  readonly approvalEntryId?: string;
  readonly tokenId?: string;
}

/** What a caller asks the log to record. */
export interface AuditDraft {
  readonly sessionId: string;
  readonly principal: string;
  readonly kind: AuditKind;
  /** The action(s) decided on; large strings are replaced by their BLAKE3 and length. */
  readonly action?: Action | readonly Action[];
  /** One line for humans ("Delete file: /home/u/x.txt"). */
  readonly summary?: string;
  readonly decision?: AuditDecision;
  /** The interceptor stage that decided (`"policy"`, `"token"`, ...). */
  readonly stage?: string;
  readonly proof?: AuditProof;
  readonly outcome?: AuditOutcome;
  readonly links?: AuditLinks;
  /** Anything else worth keeping (tool name, cost, action hash). */
  readonly detail?: { readonly [key: string]: JsonValue };
}

/** A recorded entry: the draft (compacted) plus its place in the chain. */
export interface AuditEntry {
  /** Position in the one total order across all sessions, from 1. */
  readonly seq: number;
  /** Random id, 32 lowercase hex digits. */
  readonly id: string;
  /** Milliseconds since the epoch, from the runtime's clock. */
  readonly time: number;
  readonly sessionId: string;
  readonly principal: string;
  readonly kind: AuditKind;
  /** The compacted canonical action (or list of actions). */
  readonly action?: JsonValue;
  readonly summary?: string;
  readonly decision?: AuditDecision;
  readonly stage?: string;
  readonly proof?: AuditProof;
  readonly outcome?: AuditOutcome;
  readonly links?: AuditLinks;
  readonly detail?: { readonly [key: string]: JsonValue };
  /** Hash of the entry before this one; {@link GENESIS_HASH} for seq 1. */
  readonly prevHash: string;
  /** BLAKE3 of this entry's canonical encoding, 64 lowercase hex digits. */
  readonly hash: string;
}

/** The `prevHash` of the first entry: 64 zeros. */
export const GENESIS_HASH = "0".repeat(64);
