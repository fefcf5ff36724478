/**
 * Where live approval requests meet the clients: showing a request to every
 * client of its session (`approval.requested`), taking the first answer and
 * telling all of them (`approval.answered`), withdrawing requests nobody can
 * answer any more (`approval.withdrawn`), and showing what is still waiting
 * to a client that attaches late.
 *
 * @module
 */

import type { ApprovalDecision } from "../../security/mod.ts";
import {
  type AnswerOutcome,
  type ApprovalResolver,
  type LiveApproval,
  LiveApprovals,
} from "./live_approvals.ts";
import { notificationMessage } from "./protocol.ts";
import type { Attachee, SessionHub } from "./session_hub.ts";

/** Notification methods about approvals. */
export const APPROVAL_NOTIFICATIONS = {
  requested: "approval.requested",
  answered: "approval.answered",
  withdrawn: "approval.withdrawn",
} as const;

/** The daemon's approval requests and who sees them. */
export class ApprovalDesk {
  readonly #hub: SessionHub;
  readonly #live = new LiveApprovals();

  constructor(hub: SessionHub) {
    this.#hub = hub;
  }

  /** Show `approval` to its session's clients until answered or withdrawn. */
  show(
    approval: LiveApproval,
    resolve: ApprovalResolver,
    withdrawn?: (reason: string) => void,
  ): void {
    this.#live.add(approval, resolve, withdrawn);
    this.#hub.broadcast(approval.sessionId, APPROVAL_NOTIFICATIONS.requested, requested(approval));
  }

  /** Answer as `principal` through client `by`; the first answer wins and everyone hears of it. */
  answer(
    requestId: string,
    principal: string,
    decision: ApprovalDecision,
    by: string,
  ): AnswerOutcome {
    const out = this.#live.answer(requestId, principal, decision, by);
    if (out.kind === "answered") {
      this.#hub.broadcast(out.approval.sessionId, APPROVAL_NOTIFICATIONS.answered, {
        sessionId: out.approval.sessionId,
        requestId,
        decision,
        answeredBy: by,
      });
    }
    return out;
  }

  /** Withdraw one request (it timed out or its turn ended). */
  withdraw(requestId: string, reason: string): void {
    const a = this.#live.withdraw(requestId, reason);
    if (a === undefined) return;
    this.#hub.broadcast(a.sessionId, APPROVAL_NOTIFICATIONS.withdrawn, {
      sessionId: a.sessionId,
      requestId,
      reason,
    });
  }

  /** Withdraw every request shown in `sessionId` (its last client left). */
  withdrawSession(sessionId: string, reason: string): void {
    for (const a of this.#live.pending((x) => x.sessionId === sessionId)) {
      this.withdraw(a.request.id, reason);
    }
  }

  /** Withdraw everything (shutdown). */
  withdrawAll(reason: string): void {
    for (const a of this.#live.pending()) this.withdraw(a.request.id, reason);
  }

  /** Requests waiting for `principal`, optionally in one session. */
  pending(principal: string, sessionId?: string): LiveApproval[] {
    return this.#live.pending((a) =>
      a.request.principal === principal && (sessionId === undefined || a.sessionId === sessionId)
    );
  }

  /** Send `client` what waits in `sessionId` (it just attached). */
  replay(sessionId: string, client: Attachee): void {
    for (const a of this.pending(client.principal, sessionId)) {
      client.send(notificationMessage(APPROVAL_NOTIFICATIONS.requested, requested(a)));
    }
  }
}

function requested(a: LiveApproval) {
  return { sessionId: a.sessionId, agent: a.agent, request: a.request };
}
