/**
 * The {@link ChatBackend} over the daemon's JSON-RPC protocol: calls map to
 * `session.*`, `turn.*`, `approval.*`, `session.budget` and `audit.recent`;
 * the `turn.event`, `approval.requested|answered|withdrawn`,
 * `session.ended` and `daemon.stopping` notifications become
 * {@link ChatEvent}s.
 *
 * Deferring (`approvals: "defer"`, used by `--print`): the daemon asks the
 * clients attached to a session and queues a request durably once the
 * session's last client leaves. So when a request arrives for a deferring
 * turn this client detaches from the session (the daemon queues the request
 * for `astrid approvals`) and attaches again at once. Events the daemon sent
 * while detached are lost; if the turn's end was among them it is rebuilt
 * from the session's stored history.
 *
 * @module
 */

import { AstridError } from "../../../core/mod.ts";
import type { AgentEvent, TurnStatus } from "../../../runtime/agent/mod.ts";
import type {
  ApprovalDecision,
  ApprovalRequest,
  AuditEntry,
  QueuedApproval,
} from "../../../security/mod.ts";
import type {
  AnswerOutcome,
  BudgetView,
  ChatBackend,
  ChatEvent,
  ChatSession,
  LiveApprovalView,
  PendingApprovals,
  SendOptions,
  SessionChoice,
} from "./chat_backend.ts";

/** The part of the daemon client this adapter uses (`DaemonClient` has it). */
export interface RpcClient {
  call<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  onNotification(fn: (method: string, params: unknown) => void): () => void;
  /** Settles when the connection closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** The daemon's notifications this adapter understands. */
export const NOTIFICATIONS = {
  turnEvent: "turn.event",
  approvalRequested: "approval.requested",
  approvalAnswered: "approval.answered",
  approvalWithdrawn: "approval.withdrawn",
  sessionEnded: "session.ended",
  daemonStopping: "daemon.stopping",
} as const;

/** The error code the daemon uses for "no such session". */
const SESSION_NOT_FOUND = -32001;

/** A chat backend on one daemon connection. */
export class DaemonChatBackend implements ChatBackend {
  readonly description: string;
  readonly #rpc: RpcClient;
  readonly #listeners = new Set<(e: ChatEvent) => void>();
  /** Sessions whose running turn defers approvals, and what was already deferred. */
  readonly #deferring = new Map<string, { readonly turnId: string; readonly done: Set<string> }>();
  /** Defer operations run one at a time, in order. */
  #chain: Promise<void> = Promise.resolve();
  #closing = false;
  readonly #stop: () => void;

  constructor(rpc: RpcClient, description: string) {
    this.#rpc = rpc;
    this.description = description;
    this.#stop = rpc.onNotification((method, params) => this.#notification(method, params));
    void rpc.closed.then(({ code, reason }) => {
      if (!this.#closing) {
        this.#emit({
          kind: "disconnected",
          reason: `the daemon closed the connection (${code}${reason ? ` ${reason}` : ""})`,
        });
      }
    });
  }

  async open(choice: SessionChoice): Promise<ChatSession> {
    switch (choice.kind) {
      case "new": {
        const r = await this.#call<{ session: ChatSession }>("session.create", {});
        return r.session;
      }
      case "resume":
        return (await this.#call<{ session: ChatSession }>("session.resume", {
          sessionId: choice.id,
        })).session;
      case "latest": {
        const latest = (await this.sessions()).find((s) => s.parentSessionId === undefined);
        if (latest === undefined) {
          throw new AstridError(
            "NOT_FOUND",
            "There is no session to continue; start one with 'astrid chat'",
          );
        }
        return await this.open({ kind: "resume", id: latest.id });
      }
    }
  }

  subscribe(listener: (event: ChatEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async send(
    sessionId: string,
    text: string,
    options: SendOptions = {},
  ): Promise<{ readonly turnId: string }> {
    const r = await this.#call<{ turnId: string }>("turn.send", { sessionId, text });
    if (options.approvals === "defer") {
      this.#deferring.set(sessionId, { turnId: r.turnId, done: new Set() });
    }
    return { turnId: r.turnId };
  }

  async answer(requestId: string, decision: ApprovalDecision): Promise<AnswerOutcome> {
    try {
      await this.#rpc.call("approval.answer", { requestId, decision });
      return { ok: true };
    } catch (e) {
      if (isRpcError(e)) return { ok: false, reason: e.message };
      throw e;
    }
  }

  async cancel(sessionId: string, reason?: string): Promise<boolean> {
    const r = await this.#call<{ cancelled: boolean }>("turn.cancel", {
      sessionId,
      ...(reason !== undefined ? { reason } : {}),
    });
    return r.cancelled;
  }

  async sessions(): Promise<ChatSession[]> {
    const r = await this.#call<{ sessions: ChatSession[] }>("session.list", {});
    return [...r.sessions].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  budget(sessionId: string): Promise<BudgetView> {
    return this.#call<BudgetView>("session.budget", { sessionId });
  }

  async pendingApprovals(sessionId?: string): Promise<PendingApprovals> {
    const r = await this.#call<{ live: LiveApprovalView[]; queued: QueuedApproval[] }>(
      "approval.pending",
      sessionId !== undefined ? { sessionId } : {},
    );
    return { live: r.live, queued: r.queued };
  }

  async recentAudit(o: { sessionId?: string; limit: number }): Promise<AuditEntry[]> {
    const r = await this.#call<{ entries: AuditEntry[] }>("audit.recent", {
      limit: o.limit,
      ...(o.sessionId !== undefined ? { sessionId: o.sessionId } : {}),
    });
    return r.entries;
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#stop();
    await this.#chain;
    await this.#rpc.close();
  }

  /** A call whose daemon errors become `AstridError`s (session not found: `NOT_FOUND`). */
  async #call<T>(method: string, params: Record<string, unknown>): Promise<T> {
    try {
      return await this.#rpc.call<T>(method, params);
    } catch (e) {
      if (!isRpcError(e)) throw e;
      throw new AstridError(
        e.code === SESSION_NOT_FOUND ? "NOT_FOUND" : "INTERNAL",
        `The daemon refused ${method}: ${e.message}`,
        { cause: e },
      );
    }
  }

  #emit(e: ChatEvent): void {
    for (const l of [...this.#listeners]) {
      try {
        l(e);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  #notification(method: string, p: unknown): void {
    const params = (p ?? {}) as Record<string, unknown>;
    switch (method) {
      case NOTIFICATIONS.turnEvent: {
        const event = params.event as AgentEvent | undefined;
        if (event === undefined || typeof event.kind !== "string") return;
        if (event.kind === "turn_complete") this.#deferring.delete(event.sessionId);
        this.#emit(event);
        return;
      }
      case NOTIFICATIONS.approvalRequested: {
        const request = params.request as ApprovalRequest;
        const sessionId = String(params.sessionId);
        this.#emit({
          kind: "approval_needed",
          sessionId,
          agent: String(params.agent ?? request.requestedBy),
          request,
        });
        const d = this.#deferring.get(sessionId);
        if (d !== undefined && !d.done.has(request.id)) {
          d.done.add(request.id);
          this.#chain = this.#chain.then(() => this.#defer(sessionId, request.id, d.turnId));
        }
        return;
      }
      case NOTIFICATIONS.approvalAnswered:
        this.#emit({
          kind: "approval_closed",
          sessionId: String(params.sessionId),
          requestId: String(params.requestId),
          reason: `answered ${String(params.decision)} by ${String(params.answeredBy)}`,
          decision: params.decision as ApprovalDecision,
        });
        return;
      case NOTIFICATIONS.approvalWithdrawn:
        this.#emit({
          kind: "approval_closed",
          sessionId: String(params.sessionId),
          requestId: String(params.requestId),
          reason: String(params.reason ?? "withdrawn"),
        });
        return;
      case NOTIFICATIONS.sessionEnded:
        this.#emit({
          kind: "disconnected",
          reason: `session ${String(params.sessionId)} was ended by ${String(params.by)}`,
        });
        return;
      case NOTIFICATIONS.daemonStopping:
        this.#emit({
          kind: "disconnected",
          reason: `the daemon is stopping (${String(params.reason)})`,
        });
        return;
    }
  }

  /**
   * Leave `sessionId` so the daemon queues `requestId`, then attach again.
   * If the turn ended meanwhile, its `turn_complete` is rebuilt from history.
   */
  async #defer(sessionId: string, requestId: string, turnId: string): Promise<void> {
    if (this.#closing) return;
    try {
      await this.#rpc.call("session.detach", { sessionId });
      const { session } = await this.#rpc.call<{ session: ChatSession & LastTurnView }>(
        "session.resume",
        { sessionId },
      );
      this.#emit({
        kind: "approval_closed",
        sessionId,
        requestId,
        reason: "deferred: queued for 'astrid approvals' (nobody is here to answer)",
      });
      if (this.#deferring.has(sessionId) && session.runningTurnId === undefined) {
        // The turn ended while this client was detached.
        this.#deferring.delete(sessionId);
        this.#emit(await this.#rebuiltEnd(sessionId, turnId, session));
      }
    } catch (e) {
      this.#emit({
        kind: "error",
        sessionId,
        agent: "agent",
        code: "DEFER_FAILED",
        message: `Could not defer approval request ${requestId}: ${
          e instanceof Error ? e.message : String(e)
        }`,
      });
    }
  }

  async #rebuiltEnd(
    sessionId: string,
    turnId: string,
    session: LastTurnView,
  ): Promise<ChatEvent> {
    const last = session.lastTurn;
    const { records } = await this.#rpc.call<{ records: HistoryRecord[] }>("session.history", {
      sessionId,
    });
    const answer = records.filter((r) => r.turn === last?.no && r.body?.kind === "assistant")
      .at(-1)?.body?.text ?? "";
    const status = (last?.status ?? "completed") as TurnStatus;
    return { kind: "turn_complete", sessionId, turnId, status, steps: 0, text: answer };
  }
}

/** What `session.resume` says about the last turn. */
interface LastTurnView {
  readonly lastTurn?: { readonly no: number; readonly status: string };
}

/** A stored record as `session.history` returns it. */
interface HistoryRecord {
  readonly turn: number;
  readonly body?: { readonly kind?: string; readonly text?: string };
}

function isRpcError(e: unknown): e is Error & { code: number } {
  return e instanceof Error && typeof (e as { code?: unknown }).code === "number";
}
