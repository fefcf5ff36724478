/**
 * The `Frontend` interface: what every user interface implements to drive an
 * agent (the CLI REPL, the daemon's clients, a Telegram bot). It is small on
 * purpose: receive a turn's events, answer approval requests, cancel.
 *
 * Invariant: an approval answer reaches the interceptor only through
 * {@link TurnControl.answer}, called by frontend code on a human's behalf.
 * Nothing the model, a tool or a sub-agent produces is ever turned into an
 * answer: events carry data out, and only this method carries a decision in.
 *
 * @example A minimal frontend
 * ```ts ignore
 * const frontend: Frontend = {
 *   id: "cli:alice",
 *   onEvent(event, turn) {
 *     if (event.kind === "text") write(event.text);
 *     if (event.kind === "approval_needed") {
 *       const yes = confirm(`${event.agent} wants to: ${event.request.summary.join("; ")}`);
 *       turn.answer(event.request.id, yes ? "allow_once" : "deny");
 *     }
 *   },
 * };
 * const turn = host.startTurn({ sessionId, principal: "alice", text: "Fix the tests", frontend });
 * const result = await turn.done;
 * ```
 *
 * @module
 */

import type { ApprovalDecision } from "../../security/mod.ts";
import type { AgentEvent, TurnResult } from "./agent_event.ts";

/** A user interface that drives turns. */
export interface Frontend {
  /** Who answers approvals through it, for the audit log: `cli:alice`, `telegram:42`. */
  readonly id: string;
  /**
   * Called for every event of a turn, in order. Awaited when it returns a
   * promise (back-pressure). A throw is ignored: a broken display must not
   * break the session.
   */
  onEvent(event: AgentEvent, turn: TurnControl): void | Promise<void>;
}

/** What a frontend can do to a running turn. */
export interface TurnControl {
  readonly sessionId: string;
  readonly turnId: string;
  /**
   * Answer an `approval_needed` request of this turn (its sub-agents'
   * included). False when the request is not waiting (answered, timed out,
   * cancelled) or belongs to another turn.
   */
  answer(requestId: string, decision: ApprovalDecision): boolean;
  /** Stop the model stream and running tools; the turn ends `cancelled`. */
  cancel(reason?: string): void;
}

/** A started turn. */
export interface TurnHandle extends TurnControl {
  /** Settles when the turn ended; never rejects (failures are a status). */
  readonly done: Promise<TurnResult>;
}
