/**
 * The `Frontend` the daemon drives a turn with: every event of the turn goes
 * to every client attached to the session as a `turn.event` notification,
 * except approval requests, which go to the {@link ApprovalDesk} (shown to
 * all clients as `approval.requested`, first answer wins).
 *
 * @module
 */

import type { AgentEvent, Frontend, TurnControl } from "../../runtime/agent/mod.ts";
import type { ApprovalDesk } from "./approval_desk.ts";
import type { SessionHub } from "./session_hub.ts";

/** Notification carrying one turn event. */
export const TURN_EVENT = "turn.event";

/** A frontend that shows `sessionId`'s turn to its attached clients. */
export function daemonFrontend(
  hub: SessionHub,
  desk: ApprovalDesk,
  sessionId: string,
  principal: string,
): Frontend {
  return {
    // Recorded as `answeredBy` in the audit log; the answering client is in `approval.answered`.
    id: `daemon:${principal}`,
    onEvent(event: AgentEvent, turn: TurnControl): void {
      switch (event.kind) {
        case "approval_needed":
          desk.show(
            { sessionId, agent: event.agent, request: event.request },
            (decision) => turn.answer(event.request.id, decision),
          );
          return;
        case "subagent_started":
          hub.adopt(sessionId, event.sessionId);
          break;
        case "turn_complete":
          desk.withdrawSession(sessionId, "the turn ended");
          break;
      }
      hub.broadcast(sessionId, TURN_EVENT, { sessionId, turnId: turn.turnId, event });
    },
  };
}
