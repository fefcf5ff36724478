/**
 * An in-memory {@link ChatBackend} for tests: sessions in a list, turns run
 * by scripts (async functions that emit events and ask for approvals), and a
 * record of every answer, cancel and send.
 *
 * @example
 * ```ts ignore
 * const backend = new FakeChatBackend({
 *   turns: [async (t) => {
 *     t.say("Writing it.\n");
 *     const d = await t.ask({ summary: ["Write file: a.txt"], preview: "+hello" });
 *     t.say(d === "deny" ? "Denied." : "Done.");
 *   }],
 * });
 * ```
 *
 * @module
 */

import type { TurnStatus } from "../../../runtime/agent/mod.ts";
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

/** What a scripted turn can do. */
export interface FakeTurnContext {
  readonly sessionId: string;
  readonly turnId: string;
  /** The user's message. */
  readonly text: string;
  /** Aborted by `cancel()`. */
  readonly signal: AbortSignal;
  /** Emit any event (sessionId filled in by the caller). */
  emit(event: ChatEvent): void;
  /** Emit a text delta of the answer. */
  say(text: string): void;
  /**
   * Ask for approval; resolves with the decision, `deferred` when the turn
   * was sent with `approvals: "defer"`, or `cancelled`.
   */
  ask(request: Partial<ApprovalRequest>): Promise<ApprovalDecision | "deferred" | "cancelled">;
}

/** A scripted turn; may return the turn's status (default `completed`, or `cancelled` once aborted). */
export type FakeTurn = (t: FakeTurnContext) => Promise<TurnStatus | void> | TurnStatus | void;

/** How to set the fake up. */
export interface FakeChatBackendOptions {
  readonly turns?: readonly FakeTurn[];
  readonly sessions?: readonly ChatSession[];
  readonly audit?: readonly AuditEntry[];
  readonly queued?: readonly QueuedApproval[];
  readonly budget?: Partial<BudgetView>;
}

interface Waiting {
  readonly view: LiveApprovalView;
  readonly resolve: (d: ApprovalDecision | "cancelled") => void;
}

/** A scriptable in-memory backend. */
export class FakeChatBackend implements ChatBackend {
  readonly description = "fake backend";
  readonly sent: { sessionId: string; text: string; options: SendOptions }[] = [];
  readonly answers: { requestId: string; decision: ApprovalDecision }[] = [];
  readonly cancels: string[] = [];
  /** Requests deferred by `approvals: "defer"` turns. */
  readonly deferred: ApprovalRequest[] = [];
  closed = false;
  readonly #turns: FakeTurn[];
  readonly #sessions: ChatSession[];
  readonly #audit: AuditEntry[];
  readonly #queued: QueuedApproval[];
  readonly #budget: Partial<BudgetView>;
  readonly #listeners = new Set<(e: ChatEvent) => void>();
  readonly #waiting = new Map<string, Waiting>();
  readonly #running = new Map<string, { turnId: string; abort: AbortController }>();
  #nextId = 1;
  /** Settles when every turn started so far has ended. */
  #done: Promise<unknown>[] = [];

  constructor(o: FakeChatBackendOptions = {}) {
    this.#turns = [...(o.turns ?? [])];
    this.#sessions = [...(o.sessions ?? [])];
    this.#audit = [...(o.audit ?? [])];
    this.#queued = [...(o.queued ?? [])];
    this.#budget = o.budget ?? {};
  }

  open(choice: SessionChoice): Promise<ChatSession> {
    switch (choice.kind) {
      case "new": {
        const s = session(`s${this.#nextId++}`);
        this.#sessions.unshift(s);
        return Promise.resolve(s);
      }
      case "resume": {
        const s = this.#sessions.find((x) => x.id === choice.id);
        return s
          ? Promise.resolve(s)
          : Promise.reject(new Error(`Session "${choice.id}" not found`));
      }
      case "latest": {
        const s = [...this.#sessions].sort((a, b) => b.updatedAt - a.updatedAt)[0];
        return s ? Promise.resolve(s) : Promise.reject(new Error("No session to continue"));
      }
    }
  }

  subscribe(listener: (event: ChatEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Emit `event` to subscribers (tests use it for events from "another client"). */
  emit(event: ChatEvent): void {
    for (const l of [...this.#listeners]) l(event);
  }

  send(sessionId: string, text: string, options: SendOptions = {}): Promise<{ turnId: string }> {
    this.sent.push({ sessionId, text, options });
    if (this.#running.has(sessionId)) {
      return Promise.reject(new Error(`Session "${sessionId}" is already running a turn`));
    }
    const script = this.#turns.shift();
    if (script === undefined) {
      return Promise.reject(new Error("fake backend: no scripted turn left"));
    }
    const turnId = `t${this.#nextId++}`;
    const abort = new AbortController();
    this.#running.set(sessionId, { turnId, abort });
    let answer = "";
    const ctx: FakeTurnContext = {
      sessionId,
      turnId,
      text,
      signal: abort.signal,
      emit: (e) => this.emit(e),
      say: (t) => {
        answer += t;
        this.emit({ kind: "text", sessionId, agent: "agent", text: t });
      },
      ask: (partial) => this.#ask(sessionId, partial, options, abort.signal),
    };
    const run = (async () => {
      // Events follow the reply, as over the wire.
      await Promise.resolve();
      this.emit({ kind: "turn_started", sessionId, turnId, turnNo: 1 });
      let status: TurnStatus;
      try {
        status = (await script(ctx)) ?? (abort.signal.aborted ? "cancelled" : "completed");
      } catch (e) {
        this.emit({
          kind: "error",
          sessionId,
          agent: "agent",
          code: "INTERNAL",
          message: String(e),
        });
        status = "error";
      }
      this.#running.delete(sessionId);
      this.emit({ kind: "turn_complete", sessionId, turnId, status, steps: 0, text: answer });
    })();
    this.#done.push(run);
    return Promise.resolve({ turnId });
  }

  /** Wait until every turn started so far has ended. */
  async settled(): Promise<void> {
    while (this.#done.length > 0) await this.#done.shift();
  }

  answer(requestId: string, decision: ApprovalDecision): Promise<AnswerOutcome> {
    const w = this.#waiting.get(requestId);
    if (w === undefined) {
      return Promise.resolve({
        ok: false,
        reason: `No approval request "${requestId}" is waiting`,
      });
    }
    this.#waiting.delete(requestId);
    this.answers.push({ requestId, decision });
    w.resolve(decision);
    return Promise.resolve({ ok: true });
  }

  cancel(sessionId: string): Promise<boolean> {
    this.cancels.push(sessionId);
    const r = this.#running.get(sessionId);
    if (r === undefined) return Promise.resolve(false);
    r.abort.abort(new Error("cancelled"));
    return Promise.resolve(true);
  }

  sessions(): Promise<ChatSession[]> {
    return Promise.resolve([...this.#sessions].sort((a, b) => b.updatedAt - a.updatedAt));
  }

  budget(sessionId: string): Promise<BudgetView> {
    return Promise.resolve({
      sessionId,
      llmSpentUsd: 0,
      sessionLimitUsd: 5,
      actionLimitUsd: 1,
      actions: { spentUsd: 0, reservedUsd: 0 },
      workspace: { spentUsd: 0, reservedUsd: 0, limitUsd: null },
      ...this.#budget,
    });
  }

  pendingApprovals(sessionId?: string): Promise<PendingApprovals> {
    const live = [...this.#waiting.values()].map((w) => w.view).filter((v) =>
      sessionId === undefined || v.sessionId === sessionId
    );
    const queued = this.#queued.filter((q) =>
      sessionId === undefined || q.request.sessionId === sessionId
    );
    return Promise.resolve({ live, queued });
  }

  recentAudit(o: { sessionId?: string; limit: number }): Promise<AuditEntry[]> {
    return Promise.resolve(
      this.#audit.filter((e) => o.sessionId === undefined || e.sessionId === o.sessionId)
        .slice(0, o.limit),
    );
  }

  close(): Promise<void> {
    this.closed = true;
    for (const r of this.#running.values()) r.abort.abort(new Error("closed"));
    return Promise.resolve();
  }

  #ask(
    sessionId: string,
    partial: Partial<ApprovalRequest>,
    options: SendOptions,
    signal: AbortSignal,
  ): Promise<ApprovalDecision | "deferred" | "cancelled"> {
    const request = approvalRequest(`r${this.#nextId++}`, sessionId, partial);
    const view: LiveApprovalView = { sessionId, agent: request.requestedBy, request };
    this.emit({ kind: "approval_needed", sessionId, agent: view.agent, request });
    if (options.approvals === "defer") {
      this.deferred.push(request);
      this.#queued.push({ request, expiresAt: request.createdAt + 86_400_000, status: "pending" });
      this.emit({
        kind: "approval_closed",
        sessionId,
        requestId: request.id,
        reason: "deferred: nobody can answer; queued for 'astrid approvals'",
      });
      return Promise.resolve("deferred");
    }
    if (signal.aborted) return Promise.resolve("cancelled");
    return new Promise((resolve) => {
      const onAbort = () => {
        if (!this.#waiting.delete(request.id)) return;
        this.emit({
          kind: "approval_closed",
          sessionId,
          requestId: request.id,
          reason: "the turn was cancelled",
        });
        resolve("cancelled");
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting.set(request.id, {
        view,
        resolve: (d) => {
          signal.removeEventListener("abort", onAbort);
          resolve(d);
        },
      });
    });
  }
}

/** A session with defaults. */
export function session(id: string, over: Partial<ChatSession> = {}): ChatSession {
  return {
    id,
    label: "agent",
    createdAt: 1_767_225_600_000,
    updatedAt: 1_767_225_600_000,
    turnCount: 0,
    spentUsd: 0,
    ...over,
  };
}

/** An approval request with defaults (a medium-risk file write). */
export function approvalRequest(
  id: string,
  sessionId: string,
  over: Partial<ApprovalRequest> = {},
): ApprovalRequest {
  return {
    id,
    sessionId,
    principal: "local",
    requestedBy: "agent",
    actions: [],
    summary: ["Write file: notes.txt"],
    risk: "medium",
    actionHash: "0".repeat(64),
    reason: "mode safe asks before writes",
    rememberable: true,
    createdAt: 1_767_225_600_000,
    ...over,
  };
}
