/**
 * The `ApprovalChannel` the runtime is opened with when agents run: it
 * routes each request to the frontend driving the request's session (a
 * sub-agent's session routes to its parent's turn), emits `approval_needed`,
 * and resolves with what the frontend answers through `TurnControl.answer`.
 *
 * A session nobody is driving gets `unavailable`, so the interceptor queues
 * the request for `astrid approvals` rather than running anything.
 *
 * @module
 */

import {
  APPROVAL_DECISIONS,
  type ApprovalAnswer,
  type ApprovalChannel,
  type ApprovalDecision,
  type ApprovalRequest,
} from "../../security/mod.ts";

/** Where one session's requests go: a running turn's frontend. */
export interface ApprovalRoute {
  /** Recorded as `answeredBy`. */
  readonly frontendId: string;
  /** Show the request (the turn emits `approval_needed`). */
  show(request: ApprovalRequest): void;
}

interface Waiting {
  readonly request: ApprovalRequest;
  readonly route: ApprovalRoute;
  readonly resolve: (a: ApprovalAnswer) => void;
}

/** Routes approval requests to the frontends of running turns. */
export class ApprovalBridge implements ApprovalChannel {
  readonly #routes = new Map<string, ApprovalRoute>();
  readonly #waiting = new Map<string, Waiting>();

  /** Send `sessionId`'s requests to `route` until the returned function is called. */
  attach(sessionId: string, route: ApprovalRoute): () => void {
    if (this.#routes.has(sessionId)) {
      throw new RangeError(`Session "${sessionId}" already has a frontend attached`);
    }
    this.#routes.set(sessionId, route);
    return () => {
      if (this.#routes.get(sessionId) !== route) return;
      this.#routes.delete(sessionId);
      for (const [id, w] of this.#waiting) {
        if (w.route === route && w.request.sessionId === sessionId) {
          this.#waiting.delete(id);
          w.resolve({ kind: "unavailable", reason: "the turn ended before an answer" });
        }
      }
    };
  }

  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    const route = this.#routes.get(request.sessionId);
    if (route === undefined) {
      return Promise.resolve({
        kind: "unavailable",
        reason: `no frontend is attached to session ${request.sessionId}`,
      });
    }
    if (signal.aborted) return Promise.resolve({ kind: "unavailable", reason: "cancelled" });
    return new Promise<ApprovalAnswer>((resolve) => {
      const done = (a: ApprovalAnswer) => {
        signal.removeEventListener("abort", onAbort);
        this.#waiting.delete(request.id);
        resolve(a);
      };
      const onAbort = () => done({ kind: "unavailable", reason: "the request was withdrawn" });
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting.set(request.id, { request, route, resolve: done });
      try {
        route.show(request);
      } catch {
        done({ kind: "unavailable", reason: "the frontend could not show the request" });
      }
    });
  }

  /**
   * Answer a waiting request on behalf of the human at `route`'s frontend.
   * False when the request is not waiting or was shown through another route.
   * The answer is bound to the exact action hash the human was shown.
   */
  answer(route: ApprovalRoute, requestId: string, decision: ApprovalDecision): boolean {
    if (!APPROVAL_DECISIONS.includes(decision)) {
      throw new TypeError(
        `Unknown approval decision ${JSON.stringify(decision)} (expected ${
          APPROVAL_DECISIONS.join(", ")
        })`,
      );
    }
    const w = this.#waiting.get(requestId);
    if (w === undefined || w.route !== route) return false;
    w.resolve({
      kind: "answered",
      decision,
      actionHash: w.request.actionHash,
      answeredBy: route.frontendId,
    });
    return true;
  }

  /** Requests waiting for an answer (for status displays and tests). */
  waiting(): ApprovalRequest[] {
    return [...this.#waiting.values()].map((w) => w.request);
  }
}
