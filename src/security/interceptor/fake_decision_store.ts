/**
 * An in-memory `DecisionStore` for tests of the decision order. It applies
 * the same budget and denial arithmetic as the KV adapter (the pure functions),
 * so tests exercise real rules with no I/O.
 *
 * @module
 */

import {
  type BudgetAccount,
  EMPTY_ACCOUNT,
  planReservation,
  settleAccount,
} from "../budget/budget_math.ts";
import type { BudgetLimits } from "../budget/budget_math.ts";
import {
  countDecision,
  type DenialLimits,
  type DenialState,
  NO_DENIALS,
} from "../approval/denial_counter.ts";
import type { ApprovalRequest } from "../approval/approval.ts";
import type {
  CommitRejection,
  CommitResult,
  DecisionCommit,
  DecisionRecord,
  DecisionStore,
  EntryRef,
  SessionAllowance,
  SessionSecurityState,
} from "./ports.ts";

/** A recorded entry in the fake log. */
export type FakeEntry =
  | (EntryRef & { kind: "decision"; record: DecisionRecord })
  | (EntryRef & { kind: "outcome"; decision: string; ok: boolean; error?: string });

/** In-memory decision store. */
export class FakeDecisionStore implements DecisionStore {
  readonly entries: FakeEntry[] = [];
  readonly budgets = new Map<string, BudgetAccount>();
  readonly denials = new Map<string, DenialState>();
  readonly allowances = new Map<string, SessionAllowance[]>();
  readonly queue = new Map<string, ApprovalRequest & { expiresAt: number; status: string }>();
  readonly revokedTokens = new Set<string>();
  readonly usedTokens = new Set<string>();
  auditIntact = true;
  failWrites = false;

  constructor(readonly limits: BudgetLimits, readonly denialLimits: DenialLimits) {}

  readState(sessionId: string, workspaceKey: string): Promise<SessionSecurityState> {
    return Promise.resolve({
      budget: this.budgets.get(`s:${sessionId}`) ?? EMPTY_ACCOUNT,
      workspaceBudget: this.budgets.get(`w:${workspaceKey}`) ?? EMPTY_ACCOUNT,
      denials: this.denials.get(sessionId) ?? NO_DENIALS,
      allowances: this.allowances.get(sessionId) ?? [],
      auditIntact: this.auditIntact,
    });
  }

  commit(c: DecisionCommit): Promise<CommitResult> {
    if (this.failWrites) return Promise.reject(new Error("disk full"));
    const sid = c.record.sessionId;
    let record = c.record;
    let rejected: CommitRejection | undefined;
    const before = this.denials.get(sid) ?? NO_DENIALS;
    if (record.decision === "allow") {
      const plan = c.reservation
        ? planReservation(
          this.limits,
          c.reservation.amountMicros,
          this.budgets.get(`s:${sid}`) ?? EMPTY_ACCOUNT,
          this.budgets.get(`w:${c.reservation.workspaceKey}`) ?? EMPTY_ACCOUNT,
        )
        : undefined;
      if (before.paused) {
        rejected = { stage: "approval", rule: "session:paused", reason: "session paused" };
      } else if (c.token && this.revokedTokens.has(c.token.tokenId)) {
        rejected = { stage: "token", rule: "token:revoked", reason: "token revoked" };
      } else if (c.token?.singleUse && this.usedTokens.has(c.token.tokenId)) {
        rejected = { stage: "token", rule: "token:consumed", reason: "token already used" };
      } else if (plan?.kind === "deny") {
        rejected = { stage: "budget", rule: `budget:${plan.limit}`, reason: plan.reason };
      } else {
        if (c.token?.singleUse) this.usedTokens.add(c.token.tokenId);
        if (plan?.kind === "ok" && c.reservation) {
          this.budgets.set(`s:${sid}`, plan.session);
          if (plan.workspace) this.budgets.set(`w:${c.reservation.workspaceKey}`, plan.workspace);
        }
      }
      if (rejected) record = { ...record, decision: "deny", ...rejected };
    }
    const entry = this.#append({ kind: "decision", record });
    const denials = countDecision(before, c.countsAsDenial || !!rejected, this.denialLimits);
    this.denials.set(sid, denials);
    if (!rejected && c.allowances) {
      const list = this.allowances.get(sid) ?? [];
      list.push(...c.allowances.map((a) => ({ ...a, auditEntryId: entry.id })));
      this.allowances.set(sid, list);
    }
    if (c.deferred) this.queue.set(c.deferred.id, { ...c.deferred, status: "pending" });
    if (!rejected && c.consumeDeferred) {
      const q = this.queue.get(c.consumeDeferred);
      if (q) q.status = "used";
    }
    return Promise.resolve({ entry, denials, ...(rejected ? { rejected } : {}) });
  }

  complete(input: Parameters<DecisionStore["complete"]>[0]): Promise<EntryRef> {
    if (input.reservation) {
      const k = `s:${input.sessionId}`;
      this.budgets.set(
        k,
        settleAccount(
          this.budgets.get(k) ?? EMPTY_ACCOUNT,
          input.reservation.amountMicros,
          input.actualMicros,
        ),
      );
    }
    return Promise.resolve(this.#append({
      kind: "outcome",
      decision: input.decision.id,
      ok: input.ok,
      ...(input.error ? { error: input.error } : {}),
    }));
  }

  findApprovedDeferred(sessionId: string, actionHash: string): Promise<string | undefined> {
    for (const q of this.queue.values()) {
      if (q.sessionId === sessionId && q.actionHash === actionHash && q.status === "approved") {
        return Promise.resolve(q.id);
      }
    }
    return Promise.resolve(undefined);
  }

  #append(e: Omit<FakeEntry, "id" | "seq" | "hash"> & Record<string, unknown>): FakeEntry {
    const seq = this.entries.length + 1;
    const entry = { ...e, id: `e${seq}`, seq, hash: `h${seq}` } as FakeEntry;
    this.entries.push(entry);
    return entry;
  }
}
