/**
 * The interceptor's `DecisionStore` on Deno KV. Every decision is ONE job in
 * the group-commit engine (`KvBatcher`): the budget reservation (checked
 * against the limits inside the same commit), the denial counter, session
 * allowances, the approval queue and the audit entry are written together, so
 * either all of it is durable or none of it is, and the caller learns the
 * decision only after that commit. Concurrent reservations, in this process
 * or another one sharing the file, can never overshoot a limit: the batcher
 * checks every key it read and rebuilds the batch if anyone else wrote it.
 *
 * Key layout:
 * - `["budget","session",sid]`, `["budget","workspace",key]` -> `BudgetAccount`
 * - `["budget","res",id]` -> open reservation `{sessionId, workspaceKey, amountMicros}`
 * - `["sessions",sid,"denials"]` -> `DenialState`
 * - `["sessions",sid,"allow",id]` -> `SessionAllowance`
 * - `["approvals","q",id]` -> `QueuedApproval`
 * - `["approvals","ok",sid,actionHash,id]` -> `true` while an approved request is unspent
 *
 * @module
 */

import type { Clock } from "../../core/mod.ts";
import type { AuditDraft, AuditEntry } from "../../security/audit/audit_entry.ts";
import {
  type BudgetAccount,
  type BudgetLimits,
  chargeAccount,
  countDecision,
  type DenialLimits,
  type DenialState,
  EMPTY_ACCOUNT,
  expireIfStale,
  NO_DENIALS,
  planReservation,
  type QueuedApproval,
  resolveQueued,
  resumeSession,
  settleAccount,
  summarize,
  useQueued,
} from "../../security/mod.ts";
import type {
  CommitRejection,
  CommitResult,
  DecisionCommit,
  DecisionRecord,
  DecisionStore,
  EntryRef,
  SessionAllowance,
  SessionSecurityState,
} from "../../security/mod.ts";
import type { BatchTx, KvBatcher } from "../kv_batch.ts";
import { TOKEN_KEYS } from "../capability/mod.ts";

/** Appends one audit entry inside a batch job (the audit log's chain append). */
export type AppendEntry = (tx: BatchTx, draft: AuditDraft) => Promise<AuditEntry>;

/** How long a cached session state serves the advisory pre-checks. */
const STATE_TTL_MS = 1000;

const K = {
  session: (sid: string) => ["budget", "session", sid],
  workspace: (key: string) => ["budget", "workspace", key],
  reservation: (id: string) => ["budget", "res", id],
  denials: (sid: string) => ["sessions", sid, "denials"],
  allowance: (sid: string, id: string) => ["sessions", sid, "allow", id],
  allowances: (sid: string) => ["sessions", sid, "allow"],
  queued: (id: string) => ["approvals", "q", id],
  queue: () => ["approvals", "q"],
  approved: (sid: string, hash: string, id: string) => ["approvals", "ok", sid, hash, id],
  approvedFor: (sid: string, hash: string) => ["approvals", "ok", sid, hash],
} satisfies Record<string, (...a: string[]) => Deno.KvKey>;

/** Options for {@link KvDecisionStore}. */
export interface KvDecisionStoreOptions {
  readonly kv: Deno.Kv;
  readonly batcher: KvBatcher;
  readonly append: AppendEntry;
  readonly clock: Clock;
  readonly budget: BudgetLimits;
  readonly denialLimits: DenialLimits;
}

/** Deno KV implementation of the interceptor's decision store. */
export class KvDecisionStore implements DecisionStore {
  readonly #o: KvDecisionStoreOptions;
  #auditIntact = true;
  readonly #cache = new Map<
    string,
    { at: number; state: Omit<SessionSecurityState, "auditIntact"> }
  >();

  constructor(options: KvDecisionStoreOptions) {
    this.#o = options;
  }

  /** Set by the runtime after verifying the audit chain at start (false refuses risky actions). */
  setAuditIntact(intact: boolean): void {
    this.#auditIntact = intact;
  }

  /**
   * The session's state for the advisory pre-checks. Served from a short-lived
   * cache: every fact an allow depends on (pause, budget, token revocation and
   * use) is re-checked atomically in `commit()`, and allowances are only ever
   * added, so a stale read can cost an extra prompt but never grant anything.
   */
  async readState(sessionId: string, workspaceKey: string): Promise<SessionSecurityState> {
    const key = `${sessionId}\0${workspaceKey}`;
    const hit = this.#cache.get(key);
    if (hit && performance.now() - hit.at < STATE_TTL_MS) {
      return { ...hit.state, auditIntact: this.#auditIntact };
    }
    const kv = this.#o.kv;
    const [s, w, d] = await kv.getMany<[BudgetAccount, BudgetAccount, DenialState]>([
      K.session(sessionId),
      K.workspace(workspaceKey),
      K.denials(sessionId),
    ]);
    const allowances: SessionAllowance[] = [];
    for await (const e of kv.list<SessionAllowance>({ prefix: K.allowances(sessionId) })) {
      allowances.push(e.value);
    }
    const state = {
      budget: s.value ?? EMPTY_ACCOUNT,
      workspaceBudget: w.value ?? EMPTY_ACCOUNT,
      denials: d.value ?? NO_DENIALS,
      allowances,
    };
    if (this.#cache.size > 4096) this.#cache.clear();
    this.#cache.set(key, { at: performance.now(), state });
    return { ...state, auditIntact: this.#auditIntact };
  }

  /** Fold what a commit wrote into the cached state (budgets are re-read when the entry ages). */
  #remember(
    sessionId: string,
    workspaceKey: string | undefined,
    denials: DenialState,
    added: readonly SessionAllowance[],
  ): void {
    for (const [key, hit] of this.#cache) {
      if (!key.startsWith(`${sessionId}\0`)) continue;
      if (workspaceKey !== undefined && key !== `${sessionId}\0${workspaceKey}`) continue;
      hit.state = {
        ...hit.state,
        denials,
        allowances: added.length ? [...hit.state.allowances, ...added] : hit.state.allowances,
      };
    }
  }

  /** Forget cached session state (after a change made outside `commit()`). */
  #forget(sessionId: string): void {
    for (const key of this.#cache.keys()) {
      if (key.startsWith(`${sessionId}\0`)) this.#cache.delete(key);
    }
  }

  commit(c: DecisionCommit): Promise<CommitResult> {
    const sid = c.record.sessionId;
    const prefetch: Deno.KvKey[] = [K.denials(sid)];
    if (c.reservation) {
      prefetch.push(K.session(sid), K.workspace(c.reservation.workspaceKey));
    }
    if (c.token) {
      prefetch.push(TOKEN_KEYS.revoked(c.token.tokenId), TOKEN_KEYS.used(c.token.tokenId));
    }
    return this.#o.batcher.submit({
      prefetch,
      build: async (tx) => {
        let record = c.record;
        let rejected: CommitRejection | undefined;
        const before = (await tx.get<DenialState>(K.denials(sid))) ?? NO_DENIALS;
        const writes: (() => void)[] = [];
        if (record.decision === "allow") {
          // Checked in the same commit as the entry, so nothing that changed since the
          // decision started (a pause, a revocation, a concurrent spend) can slip through.
          rejected = before.paused
            ? { stage: "approval", rule: "session:paused", reason: "the session was paused" }
            : await this.#checkToken(tx, c, writes) ?? await this.#reserve(tx, c, writes);
          if (rejected) record = { ...record, decision: "deny", ...rejected };
          else for (const w of writes) w();
        }
        if (!rejected && c.consumeDeferred) {
          const q = await tx.get<QueuedApproval>(K.queued(c.consumeDeferred));
          const used = q ? useQueued(q, this.#o.clock.now()) : undefined;
          if (!used?.ok) {
            throw new Error(`queued approval ${c.consumeDeferred} is no longer approved`);
          }
          tx.set(K.queued(c.consumeDeferred), used.next);
          tx.delete(K.approved(sid, q!.request.actionHash, c.consumeDeferred));
        }
        const entry = await this.#o.append(tx, toDraft(record));
        const denials = countDecision(before, c.countsAsDenial || !!rejected, this.#o.denialLimits);
        // An allow on a clean streak changes nothing: one row less in the hot path.
        if (
          denials.consecutive !== before.consecutive || denials.total !== before.total ||
          denials.paused !== before.paused
        ) {
          tx.set(K.denials(sid), denials);
        }
        const added: SessionAllowance[] = [];
        if (!rejected) {
          for (const a of c.allowances ?? []) {
            const stored = { ...a, auditEntryId: entry.id };
            tx.set(K.allowance(sid, a.id), stored);
            added.push(stored);
          }
        }
        if (c.deferred) {
          const { expiresAt, ...request } = c.deferred;
          const q: QueuedApproval = { request, expiresAt, status: "pending" };
          tx.set(K.queued(request.id), q);
        }
        const result: CommitResult = {
          entry: ref(entry),
          denials,
          ...(rejected ? { rejected } : {}),
        };
        return { result, added };
      },
    }).then(({ result, added }) => {
      this.#remember(sid, c.reservation?.workspaceKey, result.denials, added);
      return result;
    });
  }

  async #checkToken(
    tx: BatchTx,
    c: DecisionCommit,
    writes: (() => void)[],
  ): Promise<CommitRejection | undefined> {
    if (!c.token) return undefined;
    const id = c.token.tokenId;
    if (await tx.get(TOKEN_KEYS.revoked(id))) {
      return { stage: "token", rule: "token:revoked", reason: `token ${id} was revoked` };
    }
    if (c.token.singleUse) {
      if (await tx.get(TOKEN_KEYS.used(id))) {
        return {
          stage: "token",
          rule: "token:consumed",
          reason: `single-use token ${id} was already used`,
        };
      }
      writes.push(() => tx.set(TOKEN_KEYS.used(id), { at: this.#o.clock.now() }));
    }
    return undefined;
  }

  async #reserve(
    tx: BatchTx,
    c: DecisionCommit,
    writes: (() => void)[],
  ): Promise<CommitRejection | undefined> {
    const r = c.reservation;
    if (!r) return undefined;
    const sid = c.record.sessionId;
    const [s, w] = await tx.getMany<BudgetAccount>([K.session(sid), K.workspace(r.workspaceKey)]);
    const plan = planReservation(
      this.#o.budget,
      r.amountMicros,
      s ?? EMPTY_ACCOUNT,
      w ?? EMPTY_ACCOUNT,
    );
    if (plan.kind === "deny") {
      return { stage: "budget", rule: `budget:${plan.limit}`, reason: plan.reason };
    }
    writes.push(() => {
      tx.set(K.session(sid), plan.session);
      if (plan.workspace) tx.set(K.workspace(r.workspaceKey), plan.workspace);
      tx.set(K.reservation(r.id), {
        sessionId: sid,
        workspaceKey: r.workspaceKey,
        amountMicros: r.amountMicros,
      });
    });
    return undefined;
  }

  complete(input: Parameters<DecisionStore["complete"]>[0]): Promise<EntryRef> {
    const r = input.reservation;
    this.#forget(input.sessionId);
    return this.#o.batcher.submit({
      build: async (tx) => {
        if (r) {
          // The reservation record makes settlement idempotent: only the first completion settles.
          const open = await tx.get(K.reservation(r.id));
          if (open) {
            const [s, w] = await tx.getMany<BudgetAccount>([
              K.session(input.sessionId),
              K.workspace(r.workspaceKey),
            ]);
            tx.set(
              K.session(input.sessionId),
              settleAccount(s ?? EMPTY_ACCOUNT, r.amountMicros, input.actualMicros),
            );
            if (w) {
              tx.set(
                K.workspace(r.workspaceKey),
                settleAccount(w, r.amountMicros, input.actualMicros),
              );
            }
            tx.delete(K.reservation(r.id));
          }
        }
        const entry = await this.#o.append(tx, {
          sessionId: input.sessionId,
          principal: input.principal,
          kind: "outcome",
          outcome: {
            ok: input.ok,
            ...(input.error !== undefined ? { error: input.error } : {}),
            ...(input.summary !== undefined ? { summary: input.summary } : {}),
            costMicros: input.actualMicros,
          },
          links: { decisionId: input.decision.id, decisionSeq: input.decision.seq },
        });
        return ref(entry);
      },
    });
  }

  async findApprovedDeferred(sessionId: string, actionHash: string): Promise<string | undefined> {
    for await (
      const e of this.#o.kv.list({ prefix: K.approvedFor(sessionId, actionHash) }, { limit: 1 })
    ) {
      return String(e.key[e.key.length - 1]);
    }
    return undefined;
  }

  /** Charge a cost that is known only afterwards (LLM usage), with an audit entry. */
  charge(input: {
    sessionId: string;
    principal: string;
    workspaceKey: string;
    micros: number;
    detail: Record<string, string | number>;
  }): Promise<{ entry: EntryRef; session: BudgetAccount }> {
    this.#forget(input.sessionId);
    return this.#o.batcher.submit({
      build: async (tx) => {
        const [s, w] = await tx.getMany<BudgetAccount>([
          K.session(input.sessionId),
          K.workspace(input.workspaceKey),
        ]);
        const session = chargeAccount(s ?? EMPTY_ACCOUNT, input.micros);
        tx.set(K.session(input.sessionId), session);
        tx.set(K.workspace(input.workspaceKey), chargeAccount(w ?? EMPTY_ACCOUNT, input.micros));
        const entry = await this.#o.append(tx, {
          sessionId: input.sessionId,
          principal: input.principal,
          kind: "event",
          summary: `Charged $${(input.micros / 1e6).toFixed(6)}`,
          detail: { type: "charge", micros: input.micros, ...input.detail },
        });
        return { entry: ref(entry), session };
      },
    });
  }

  /** Queued approval requests, newest first; stale pending ones are reported as expired. */
  async listQueued(options: { all?: boolean } = {}): Promise<QueuedApproval[]> {
    const now = this.#o.clock.now();
    const out: QueuedApproval[] = [];
    for await (const e of this.#o.kv.list<QueuedApproval>({ prefix: K.queue() })) {
      const q = expireIfStale(e.value, now) ?? e.value;
      if (options.all || q.status === "pending" || q.status === "approved") out.push(q);
    }
    return out.sort((a, b) => b.request.createdAt - a.request.createdAt);
  }

  /**
   * A human answers a queued request (`astrid approvals allow|deny`). Recorded
   * as an audit event; an approval authorizes one later identical call.
   */
  answerQueued(
    id: string,
    decision: "approved" | "denied",
    by: string,
  ): Promise<
    { ok: true; entry: EntryRef; queued: QueuedApproval } | { ok: false; reason: string }
  > {
    return this.#o.batcher.submit({
      build: async (tx) => {
        const q = await tx.get<QueuedApproval>(K.queued(id));
        if (!q) return { ok: false as const, reason: `no queued approval request "${id}"` };
        const t = resolveQueued(q, decision, by, this.#o.clock.now());
        if (!t.ok) return t;
        tx.set(K.queued(id), t.next);
        if (decision === "approved") {
          tx.set(K.approved(q.request.sessionId, q.request.actionHash, id), true);
        }
        const entry = await this.#o.append(tx, {
          sessionId: q.request.sessionId,
          principal: q.request.principal,
          kind: "decision",
          action: q.request.actions,
          summary: q.request.summary.join("; "),
          decision: decision === "approved" ? "allow" : "deny",
          stage: "approval",
          proof: {
            via: "deferred_approval",
            reason: `queued request ${id} ${decision} by ${by}`,
            approval: {
              requestId: id,
              decision: decision === "approved" ? "allow_once" : "deny",
              answeredBy: by,
            },
          },
          detail: { actionHash: q.request.actionHash, queued: true },
        });
        return { ok: true as const, entry: ref(entry), queued: t.next };
      },
    });
  }

  /** Turn stale pending requests into recorded denials. Returns how many expired. */
  async expireStale(): Promise<number> {
    const now = this.#o.clock.now();
    let n = 0;
    for await (const e of this.#o.kv.list<QueuedApproval>({ prefix: K.queue() })) {
      if (!expireIfStale(e.value, now)) continue;
      const expired = await this.#o.batcher.submit({
        build: async (tx) => {
          const q = await tx.get<QueuedApproval>(e.key);
          const next = q ? expireIfStale(q, now) : undefined;
          if (!q || !next) return false;
          tx.set(e.key, next);
          await this.#o.append(tx, {
            sessionId: q.request.sessionId,
            principal: q.request.principal,
            kind: "decision",
            action: q.request.actions,
            summary: q.request.summary.join("; "),
            decision: "deny",
            stage: "approval",
            proof: {
              rule: "approval:expired",
              reason: `queued request ${q.request.id} expired unanswered`,
            },
            detail: { actionHash: q.request.actionHash, queued: true },
          });
          return true;
        },
      });
      if (expired) n++;
    }
    return n;
  }

  /** The human resumes a session paused after too many denials. */
  resume(sessionId: string, principal: string, by: string): Promise<EntryRef> {
    this.#forget(sessionId);
    return this.#o.batcher.submit({
      build: async (tx) => {
        const before = (await tx.get<DenialState>(K.denials(sessionId))) ?? NO_DENIALS;
        tx.set(K.denials(sessionId), resumeSession(before));
        const entry = await this.#o.append(tx, {
          sessionId,
          principal,
          kind: "event",
          summary: `Session resumed by ${by}`,
          detail: { type: "session_resumed", by, wasPaused: before.paused },
        });
        return ref(entry);
      },
    });
  }

  /** The session's budget accounts (for `/budget` and status). */
  async budgetOf(
    sessionId: string,
    workspaceKey: string,
  ): Promise<{ session: BudgetAccount; workspace: BudgetAccount }> {
    const s = await this.readState(sessionId, workspaceKey);
    return { session: s.budget, workspace: s.workspaceBudget };
  }
}

function ref(e: AuditEntry): EntryRef {
  return { id: e.id, seq: e.seq, hash: e.hash };
}

/** A decision as an audit draft. */
export function toDraft(r: DecisionRecord): AuditDraft {
  return {
    sessionId: r.sessionId,
    principal: r.principal,
    kind: "decision",
    action: r.actions,
    summary: r.actions.map(summarize).join("; "),
    decision: r.decision,
    stage: r.stage,
    proof: {
      policy: r.proof.policy,
      reason: r.reason,
      ...(r.rule !== undefined ? { rule: r.rule } : {}),
      ...(r.proof.via ? { via: r.proof.via } : {}),
      ...(r.proof.tokenId ? { tokenId: r.proof.tokenId } : {}),
      ...(r.proof.tokenHash ? { tokenHash: r.proof.tokenHash } : {}),
      ...(r.proof.allowanceId ? { allowanceId: r.proof.allowanceId } : {}),
      ...(r.proof.approval ? { approval: r.proof.approval } : {}),
    },
    ...(r.parentSessionId ? { links: { parentSessionId: r.parentSessionId } } : {}),
    detail: {
      tool: r.tool,
      actionHash: r.actionHash,
      requestedBy: r.requestedBy,
      costMicros: r.costMicros,
    },
  };
}
