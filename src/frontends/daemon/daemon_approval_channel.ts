/**
 * The daemon's `ApprovalChannel`, the one the runtime is opened with. It
 * puts a request in front of the clients attached to the request's session
 * (a sub-agent's request: its root session's clients) through the inner
 * channel (the agent runtime's `ApprovalBridge`, which turns it into the
 * turn's `approval_needed` event; the daemon shows that to every client and
 * takes the first answer, see `ApprovalDesk`).
 *
 * With no client attached it answers `unavailable` at once, so the
 * interceptor queues the request durably for `astrid approvals` instead of
 * waiting for nobody; a request whose session's last client leaves is
 * withdrawn the same way. Whatever ends a request without an answer
 * (timeout, cancel, desertion) withdraws it from the clients' screens.
 *
 * @module
 */

import type { ApprovalAnswer, ApprovalChannel, ApprovalRequest } from "../../security/mod.ts";
import type { ApprovalDesk } from "./approval_desk.ts";
import type { SessionHub } from "./session_hub.ts";

/** Requests go to the clients of the request's session, or are queued when there are none. */
export class DaemonApprovalChannel implements ApprovalChannel {
  readonly #hub: SessionHub;
  readonly #desk: ApprovalDesk;
  readonly #inner: ApprovalChannel;
  /** Live session id -> controllers of its requests in flight. */
  readonly #inFlight = new Map<string, Set<AbortController>>();

  constructor(hub: SessionHub, desk: ApprovalDesk, inner: ApprovalChannel) {
    this.#hub = hub;
    this.#desk = desk;
    this.#inner = inner;
  }

  async request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    const live = this.#hub.routeOf(request.sessionId);
    if (live === undefined || live.clients.size === 0) {
      return {
        kind: "unavailable",
        reason: `no client is attached to session ${live?.id ?? request.sessionId}`,
      };
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    if (signal.aborted) controller.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const set = this.#inFlight.get(live.id) ?? new Set();
    set.add(controller);
    this.#inFlight.set(live.id, set);
    let answer: ApprovalAnswer;
    try {
      answer = await this.#inner.request(request, controller.signal);
    } finally {
      signal.removeEventListener("abort", onAbort);
      set.delete(controller);
      if (set.size === 0) this.#inFlight.delete(live.id);
    }
    if (answer.kind === "unavailable") this.#desk.withdraw(request.id, answer.reason);
    return answer;
  }

  /** The last client of `sessionId` left: its waiting requests go to the queue. */
  deserted(sessionId: string): void {
    for (const c of this.#inFlight.get(sessionId) ?? []) {
      c.abort(new Error(`the last client of session ${sessionId} left`));
    }
  }
}
