/**
 * The approval stage's vocabulary and the `ApprovalChannel` port frontends
 * implement (CLI prompt, daemon client, Telegram buttons).
 *
 * Invariant: authority never flows from untrusted input. A channel answers
 * with an `ApprovalAnswer` object it constructs itself; model text, tool
 * output or JSON that merely looks like an answer never reaches the
 * interceptor as one, because the interceptor only reads answers returned
 * by `channel.request()` and checks they are bound to the request's action hash.
 *
 * @module
 */

import type { Action, RiskLevel } from "../action.ts";

/** What a human can answer. */
export type ApprovalDecision = "allow_once" | "allow_session" | "allow_always" | "deny";

/** Every decision, in the order the prompt offers them. */
export const APPROVAL_DECISIONS: readonly ApprovalDecision[] = [
  "allow_once",
  "allow_session",
  "allow_always",
  "deny",
];

/** Labels as the seed shows them. */
export const APPROVAL_LABELS: Readonly<Record<ApprovalDecision, string>> = {
  allow_once: "Allow Once",
  allow_session: "Allow Session",
  allow_always: "Allow Always",
  deny: "Deny",
};

/** What the human is shown. */
export interface ApprovalRequest {
  readonly id: string;
  readonly sessionId: string;
  readonly principal: string;
  /** Who proposed it: `agent`, or a sub-agent label such as `agent/task-2`. */
  readonly requestedBy: string;
  readonly actions: readonly Action[];
  /** One line per action ("Delete file: /home/u/x.txt"). */
  readonly summary: readonly string[];
  readonly risk: RiskLevel;
  /** Hash the answer is bound to (see `actionHash`). */
  readonly actionHash: string;
  /** Why it needs a human (the rule or mode that asked). */
  readonly reason: string;
  /** A diff, or the exact command and working directory. */
  readonly preview?: string;
  /** Whether Allow Session / Allow Always can be offered (not for inline eval, chains, ...). */
  readonly rememberable: boolean;
  readonly createdAt: number;
}

/** A channel's reply. */
export type ApprovalAnswer =
  | {
    readonly kind: "answered";
    readonly decision: ApprovalDecision;
    /** Must equal the request's `actionHash`. */
    readonly actionHash: string;
    /** Who answered (frontend and user), for the audit log. */
    readonly answeredBy: string;
  }
  | { readonly kind: "unavailable"; readonly reason: string };

/** The port a frontend implements to put a request in front of a human. */
export interface ApprovalChannel {
  /**
   * Show `request` and resolve with the answer, or with `unavailable` when no
   * human can be reached. Must honour `signal` (the interceptor aborts it when
   * the approval timeout passes; the request is then queued).
   */
  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer>;
}

/** A channel for when nobody is there: every request is deferred. */
export const NO_HUMAN: ApprovalChannel = {
  request: () => Promise.resolve({ kind: "unavailable", reason: "no approval channel attached" }),
};
