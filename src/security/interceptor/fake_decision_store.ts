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
    let reserved = true;
    if (c.reservation) {
      const plan = planReservation(
        this.limits,
        c.reservation.amountMicros,
        this.budgets.get(`s:${sid}`) ?? EMPTY_ACCOUNT,
        this.budgets.get(`w:${c.reservation.workspaceKey}`) ?? EMPTY_ACCOUNT,
      );
      if (plan.kind === "deny") {
        reserved = false;
        record = c.budgetDenied ?? { ...record, decision: "deny", stage: "budget" };
      } else {
        this.budgets.set(`s:${sid}`, plan.session);
        if (plan.workspace) this.budgets.set(`w:${c.reservation.workspaceKey}`, plan.workspace);
      }
    }
    const entry = this.#append({ kind: "decision", record });
    const denied = c.countsAsDenial || !reserved;
    const denials = countDecision(this.denials.get(sid) ?? NO_DENIALS, denied, this.denialLimits);
    this.denials.set(sid, denials);
    if (reserved && c.allowances) {
      const list = this.allowances.get(sid) ?? [];
      list.push(...c.allowances.map((a) => ({ ...a, auditEntryId: entry.id })));
      this.allowances.set(sid, list);
    }
    if (c.deferred) this.queue.set(c.deferred.id, { ...c.deferred, status: "pending" });
    if (c.consumeDeferred) {
      const q = this.queue.get(c.consumeDeferred);
      if (q) q.status = "used";
    }
    return Promise.resolve({ entry, reserved, denials });
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
