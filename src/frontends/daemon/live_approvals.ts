/**
 * Approval requests waiting for a human, shown to every client attached to
 * their session. The first valid answer resolves the request for all of
 * them; a later answer is refused and told who answered first.
 *
 * Invariant: a request is only answerable by its own principal (for anyone
 * else it does not exist), and an answer reaches the runtime only through the
 * resolver registered with the request, never from anything a model or tool
 * produced.
 *
 * @module
 */

import type { ApprovalDecision, ApprovalRequest } from "../../security/mod.ts";

/** A request as the daemon shows it. */
export interface LiveApproval {
  /** The session whose clients see it (a sub-agent's request shows in its root session). */
  readonly sessionId: string;
  /** `agent`, `agent/task-1`, or `operator` for a `tool.call`. */
  readonly agent: string;
  readonly request: ApprovalRequest;
}

/** Hands an answer to whatever waits (the interceptor's channel or a turn). False: nobody waits any more. */
export type ApprovalResolver = (decision: ApprovalDecision, answeredBy: string) => boolean;

/** What happened to an answer. */
export type AnswerOutcome =
  | { readonly kind: "answered"; readonly approval: LiveApproval }
  | {
    readonly kind: "already_answered";
    readonly decision: ApprovalDecision;
    readonly answeredBy: string;
  }
  | { readonly kind: "withdrawn"; readonly reason: string }
  | { readonly kind: "unknown" };

interface Waiting {
  readonly approval: LiveApproval;
  readonly resolve: ApprovalResolver;
  readonly withdrawn: (reason: string) => void;
}

type Settled =
  | { readonly kind: "answered"; readonly decision: ApprovalDecision; readonly answeredBy: string }
  | { readonly kind: "withdrawn"; readonly reason: string };

/** How many settled requests are remembered to explain a late answer. */
const REMEMBERED = 1024;

/** The waiting requests of one daemon. */
export class LiveApprovals {
  readonly #waiting = new Map<string, Waiting>();
  readonly #settled = new Map<string, { principal: string; s: Settled }>();

  /**
   * Show `approval` until it is answered or withdrawn; `withdrawn` runs when
   * it is withdrawn (so whoever waits can stop waiting).
   */
  add(
    approval: LiveApproval,
    resolve: ApprovalResolver,
    withdrawn: (reason: string) => void = () => {},
  ): void {
    const id = approval.request.id;
    if (this.#waiting.has(id) || this.#settled.has(id)) {
      throw new RangeError(`Approval request "${id}" is already known`);
    }
    this.#waiting.set(id, { approval, resolve, withdrawn });
  }

  /** Answer `requestId` as `principal`. Only the first answer counts. */
  answer(
    requestId: string,
    principal: string,
    decision: ApprovalDecision,
    answeredBy: string,
  ): AnswerOutcome {
    const w = this.#waiting.get(requestId);
    if (w === undefined || w.approval.request.principal !== principal) {
      const s = this.#settled.get(requestId);
      if (s === undefined || s.principal !== principal) return { kind: "unknown" };
      return s.s.kind === "answered"
        ? { kind: "already_answered", decision: s.s.decision, answeredBy: s.s.answeredBy }
        : { kind: "withdrawn", reason: s.s.reason };
    }
    // Settle before resolving: the resolver may run code that answers again.
    this.#settle(requestId, principal, { kind: "answered", decision, answeredBy });
    if (!w.resolve(decision, answeredBy)) {
      this.#settled.set(requestId, {
        principal,
        s: { kind: "withdrawn", reason: "the request stopped waiting before the answer arrived" },
      });
      return { kind: "withdrawn", reason: "the request stopped waiting before the answer arrived" };
    }
    return { kind: "answered", approval: w.approval };
  }

  /** Stop showing `requestId` (timed out, turn ended). Returns it if it was waiting. */
  withdraw(requestId: string, reason: string): LiveApproval | undefined {
    const w = this.#waiting.get(requestId);
    if (w === undefined) return undefined;
    this.#settle(requestId, w.approval.request.principal, { kind: "withdrawn", reason });
    w.withdrawn(reason);
    return w.approval;
  }

  /** Waiting requests matching `filter`, oldest first. */
  pending(filter: (a: LiveApproval) => boolean = () => true): LiveApproval[] {
    return [...this.#waiting.values()].map((w) => w.approval).filter(filter);
  }

  /** Whether `requestId` is waiting. */
  isWaiting(requestId: string): boolean {
    return this.#waiting.has(requestId);
  }

  #settle(requestId: string, principal: string, s: Settled): void {
    this.#waiting.delete(requestId);
    this.#settled.set(requestId, { principal, s });
    if (this.#settled.size > REMEMBERED) {
      this.#settled.delete(this.#settled.keys().next().value!);
    }
  }
}
