/**
 * Input classification: every value entering the runtime carries where it
 * came from and how far it is trusted.
 *
 * - `trusted`: the verified user typing at a frontend.
 * - `pre_authorized`: covered by a capability token the runtime verified.
 * - `untrusted`: everything else: tool results, fetched data, MCP and
 *   capsule output, and the model's own text.
 *
 * Invariant: authority never flows from untrusted input. `canAuthorize()` is
 * false for untrusted values, anything derived from an untrusted value is
 * untrusted (`derive()` takes the weakest trust), and an approval is an
 * {@link ApprovalGrant} that only an approval channel's code path constructs
 * with {@link grantFromChannel}. Text or JSON that looks like an approval, a
 * copy or a spread of a real grant, is not one: `isApprovalGrant()` checks
 * object identity against grants this module issued.
 *
 * @module
 */

import type { ApprovalDecision } from "./approval/approval.ts";

/** How far a value is trusted, strongest first. */
export type Trust = "trusted" | "pre_authorized" | "untrusted";

/** Every trust level, strongest first. */
export const TRUST_LEVELS: readonly Trust[] = ["trusted", "pre_authorized", "untrusted"];

/** A value with its provenance. Frozen: its trust cannot be edited after the fact. */
export interface Tagged<T> {
  readonly trust: Trust;
  /** `frontend:cli`, `token:tok_123`, `tool:read_file`, `mcp:github`, `llm`, ... */
  readonly source: string;
  readonly value: T;
}

/** Text the verified user typed at frontend `frontendId`. */
export function fromUser(frontendId: string, text: string): Tagged<string> {
  return tag("trusted", `frontend:${frontendId}`, text);
}

/** A value covered by verified token `tokenId`. */
export function fromToken<T>(tokenId: string, value: T): Tagged<T> {
  return tag("pre_authorized", `token:${tokenId}`, value);
}

/** Tool results, fetched data, MCP or capsule output, model text. */
export function untrusted<T>(source: string, value: T): Tagged<T> {
  return tag("untrusted", source, value);
}

/** The weakest of `levels` (`untrusted` if any is untrusted). */
export function weakest(...levels: Trust[]): Trust {
  let worst = 0;
  for (const l of levels) worst = Math.max(worst, TRUST_LEVELS.indexOf(l));
  return TRUST_LEVELS[worst] ?? "untrusted";
}

/** A value computed from `inputs`: as trusted as the least trusted of them. */
export function derive<T>(source: string, value: T, inputs: readonly Tagged<unknown>[]): Tagged<T> {
  return tag(
    inputs.length === 0 ? "untrusted" : weakest(...inputs.map((i) => i.trust)),
    source,
    value,
  );
}

/**
 * True when `tagged` may carry authority (start an action on the user's
 * behalf). Untrusted input never may, whatever it says.
 */
export function canAuthorize(tagged: Tagged<unknown>): boolean {
  return isTagged(tagged) && (tagged.trust === "trusted" || tagged.trust === "pre_authorized");
}

/** True for a value built by this module's constructors (not a look-alike object). */
export function isTagged(x: unknown): x is Tagged<unknown> {
  return typeof x === "object" && x !== null && tags.has(x);
}

const tags = new WeakSet<object>();

function tag<T>(trust: Trust, source: string, value: T): Tagged<T> {
  const t = Object.freeze({ trust, source, value });
  tags.add(t);
  return t;
}

/**
 * The brand: a module-private `unique symbol`, so no other module can write
 * the type, and set non-enumerable, so spreads and JSON never carry it.
 */
const GRANT: unique symbol = Symbol("ApprovalGrant");

/** A human's answer to one approval request, as delivered by an approval channel. */
export interface ApprovalGrant {
  readonly [GRANT]: true;
  readonly requestId: string;
  /** The hash of the exact actions the human was shown. */
  readonly actionHash: string;
  readonly decision: ApprovalDecision;
  /** Frontend and user that answered, for the audit log. */
  readonly answeredBy: string;
}

const grants = new WeakSet<object>();

/**
 * Construct a grant. Only the approval path (the interceptor receiving a
 * channel's answer) calls this; nothing parsed from text or JSON is ever
 * passed here.
 */
export function grantFromChannel(input: {
  requestId: string;
  actionHash: string;
  decision: ApprovalDecision;
  answeredBy: string;
}): ApprovalGrant {
  const g = {
    requestId: input.requestId,
    actionHash: input.actionHash,
    decision: input.decision,
    answeredBy: input.answeredBy,
  };
  Object.defineProperty(g, GRANT, { value: true, enumerable: false });
  const frozen = Object.freeze(g) as unknown as ApprovalGrant;
  grants.add(frozen);
  return frozen;
}

/** True only for a grant object issued by {@link grantFromChannel} (identity, not shape). */
export function isApprovalGrant(x: unknown): x is ApprovalGrant {
  return typeof x === "object" && x !== null && grants.has(x) &&
    (x as Record<symbol, unknown>)[GRANT] === true;
}

/** True when `grant` is genuine and answers exactly the request for `actionHash`. */
export function grantCovers(grant: unknown, requestId: string, actionHash: string): boolean {
  return isApprovalGrant(grant) && grant.requestId === requestId &&
    grant.actionHash === actionHash && grant.decision !== "deny";
}
