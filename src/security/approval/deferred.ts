/**
 * The queue of approval requests nobody answered in time. A queued request is
 * never run by itself: it waits for `astrid approvals allow|deny`, and once
 * approved it authorizes exactly one later call with the same action hash in
 * the same session. Requests older than their expiry turn into recorded
 * denials. These are the pure state transitions; the store persists them.
 *
 * @module
 */

import type { ApprovalRequest } from "./approval.ts";

/** Where a queued request stands. */
export type QueuedStatus = "pending" | "approved" | "denied" | "expired" | "used";

/** A queued request as stored. */
export interface QueuedApproval {
  readonly request: ApprovalRequest;
  readonly expiresAt: number;
  readonly status: QueuedStatus;
  readonly resolvedBy?: string;
  readonly resolvedAt?: number;
}

/** Result of a transition: the new record, or why it cannot happen. */
export type QueueTransition =
  | { ok: true; next: QueuedApproval }
  | { ok: false; reason: string };

/** A human answers a queued request. Only pending, unexpired requests can be answered. */
export function resolveQueued(
  q: QueuedApproval,
  decision: "approved" | "denied",
  by: string,
  now: number,
): QueueTransition {
  if (q.status !== "pending") {
    return { ok: false, reason: `request ${q.request.id} is already ${q.status}` };
  }
  if (now >= q.expiresAt) {
    return {
      ok: false,
      reason: `request ${q.request.id} expired at ${new Date(q.expiresAt).toISOString()}`,
    };
  }
  return { ok: true, next: { ...q, status: decision, resolvedBy: by, resolvedAt: now } };
}

/** A pending request past its expiry becomes `expired` (to be recorded as a denial). */
export function expireIfStale(q: QueuedApproval, now: number): QueuedApproval | undefined {
  if (q.status === "pending" && now >= q.expiresAt) {
    return { ...q, status: "expired", resolvedBy: "expiry", resolvedAt: now };
  }
  return undefined;
}

/** An approved request is spent by the one call it authorized. */
export function useQueued(q: QueuedApproval, now: number): QueueTransition {
  if (q.status !== "approved") {
    return { ok: false, reason: `request ${q.request.id} is ${q.status}, not approved` };
  }
  return { ok: true, next: { ...q, status: "used", resolvedAt: now } };
}
