/**
 * `ChatBackend`: the port the chat REPL talks to. It hides where sessions
 * and turns run (the daemon over WebSocket JSON-RPC, or an in-memory fake in
 * tests) behind a handful of calls and one stream of events.
 *
 * Invariant: an approval is answered only through {@link ChatBackend.answer},
 * which the REPL calls when the human chose; nothing in an event (model
 * text, tool output) is ever turned into an answer.
 *
 * @module
 */

import type { AgentEvent } from "../../../runtime/agent/mod.ts";
import type {
  ApprovalDecision,
  ApprovalRequest,
  AuditEntry,
  QueuedApproval,
} from "../../../security/mod.ts";

/** A session as the REPL shows it. */
export interface ChatSession {
  readonly id: string;
  readonly title?: string;
  readonly label: string;
  /** Set for a sub-agent's session. */
  readonly parentSessionId?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly turnCount: number;
  readonly spentUsd: number;
  /** The turn running now, if any. */
  readonly runningTurnId?: string;
}

/** Which session to talk in. */
export type SessionChoice =
  | { readonly kind: "new" }
  | { readonly kind: "resume"; readonly id: string }
  /** The most recently updated top-level session (`--continue`). */
  | { readonly kind: "latest" };

/**
 * What the REPL receives: the turn's events as the agent runtime emits them
 * (`approval_needed` for every approval request shown to this client), plus
 * what only a client sees: an approval closed without this client's answer,
 * and the connection ending.
 */
export type ChatEvent =
  | AgentEvent
  | {
    /** Someone else answered the request, or it was withdrawn (timed out, turn ended). */
    readonly kind: "approval_closed";
    readonly sessionId: string;
    readonly requestId: string;
    readonly reason: string;
    readonly decision?: ApprovalDecision;
  }
  | { readonly kind: "disconnected"; readonly reason: string };

/** How a turn treats approval requests. */
export interface SendOptions {
  /**
   * `ask` (default): requests wait for {@link ChatBackend.answer}. `defer`:
   * nobody is there to answer (`--print`, piped input); requests go to the
   * durable queue (`astrid approvals`) and the turn goes on without them.
   * Never an approval.
   */
  readonly approvals?: "ask" | "defer";
}

/** The answer to an answer. */
export type AnswerOutcome =
  | { readonly ok: true }
  /** Already answered (by whom, if known), withdrawn, or unknown. */
  | { readonly ok: false; readonly reason: string };

/** A session's spending and limits. */
export interface BudgetView {
  readonly sessionId: string;
  /** Model usage of the session and its sub-agents. */
  readonly llmSpentUsd: number;
  readonly sessionLimitUsd: number;
  readonly actionLimitUsd: number;
  readonly actions: { readonly spentUsd: number; readonly reservedUsd: number };
  readonly workspace: {
    readonly spentUsd: number;
    readonly reservedUsd: number;
    readonly limitUsd: number | null;
  };
}

/** A request waiting for an answer now. */
export interface LiveApprovalView {
  readonly sessionId: string;
  readonly agent: string;
  readonly request: ApprovalRequest;
}

/** Approval requests waiting: live ones and the durable queue. */
export interface PendingApprovals {
  readonly live: readonly LiveApprovalView[];
  readonly queued: readonly QueuedApproval[];
}

/** Where sessions and turns run. */
export interface ChatBackend {
  /** Where it is connected, for the banner (`daemon pid 42 on 127.0.0.1:4711, ephemeral`). */
  readonly description: string;
  /** Create or resume a session and attach to it (its events start arriving). */
  open(choice: SessionChoice): Promise<ChatSession>;
  /** Receive events of the sessions this client is attached to; returns an unsubscribe. */
  subscribe(listener: (event: ChatEvent) => void): () => void;
  /** Start a turn; its events follow through `subscribe`, ending with `turn_complete`. */
  send(
    sessionId: string,
    text: string,
    options?: SendOptions,
  ): Promise<{ readonly turnId: string }>;
  /** Answer an approval request shown in an `approval_needed` event. */
  answer(requestId: string, decision: ApprovalDecision): Promise<AnswerOutcome>;
  /** Cancel the running turn; false when none runs. */
  cancel(sessionId: string, reason?: string): Promise<boolean>;
  /** This principal's sessions, newest first. */
  sessions(): Promise<ChatSession[]>;
  budget(sessionId: string): Promise<BudgetView>;
  pendingApprovals(sessionId?: string): Promise<PendingApprovals>;
  /** Newest first. */
  recentAudit(
    options: { readonly sessionId?: string; readonly limit: number },
  ): Promise<AuditEntry[]>;
  /** Detach and disconnect. */
  close(): Promise<void>;
}
