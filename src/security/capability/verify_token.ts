/**
 * Token verification, pure. A refusal is a value with a stable code.
 *
 * Order: signature first (against the runtime's trusted keys only, looked up
 * by `issuerKeyId`; a key carried inside a token is never trusted), then
 * validity window with bounded skew, revocation, single-use consumption,
 * principal, session, permission and finally scope.
 *
 * @module
 */

import { fromBase64Url, toBase64Url } from "../../core/mod.ts";
import type { Permission } from "../action.ts";
import { verifySignature } from "../crypto/ed25519.ts";
import { type CapabilityToken, encodeTokenForSigning } from "./capability_token.ts";
import { scopeCovers } from "./scope_covers.ts";

/** Largest clock skew honoured, whatever the configuration asks: 5 minutes. */
export const MAX_SKEW_MS = 5 * 60_000;

/** What the token is being used for. */
export interface TokenRequest {
  readonly resource: string;
  readonly permission: Permission;
  readonly principal: string;
  readonly sessionId: string;
}

/** What verification needs to know. */
export interface VerifyContext {
  /** Public key for a trusted key id, or `undefined`. */
  readonly trusted: (keyId: string) => Uint8Array | undefined;
  readonly now: number;
  readonly skewMs: number;
  readonly isRevoked: (id: string) => boolean;
  readonly isConsumed?: (id: string) => boolean;
  /** Skip the signature check because this exact token already passed it (a cache). */
  readonly signatureVerified?: boolean;
}

/** Result of {@link verifyToken}. */
export type TokenVerdict =
  | { ok: true }
  | {
    ok: false;
    code: "TOKEN_INVALID" | "TOKEN_EXPIRED" | "TOKEN_REVOKED" | "TOKEN_CONSUMED" | "TOKEN_SCOPE";
    reason: string;
  };

/** True when the signature of `token` verifies against a trusted key. */
export function tokenSignatureValid(
  token: CapabilityToken,
  trusted: VerifyContext["trusted"],
): boolean {
  const pub = trusted(token.issuerKeyId);
  if (!pub) return false;
  let sig: Uint8Array;
  try {
    sig = fromBase64Url(token.signature);
  } catch {
    return false;
  }
  // One signature, one spelling: base64url has spare bits in its last character,
  // so without this check several strings (and token hashes) decode to the same bytes.
  if (sig.length !== 64 || toBase64Url(sig) !== token.signature) return false;
  return verifySignature(pub, encodeTokenForSigning(token), sig);
}

/** Verify `token` for `request`. */
export function verifyToken(
  token: CapabilityToken,
  request: TokenRequest,
  ctx: VerifyContext,
): TokenVerdict {
  if (!ctx.signatureVerified) {
    if (!ctx.trusted(token.issuerKeyId)) {
      return fail(
        "TOKEN_INVALID",
        `token ${token.id} is signed by unknown key "${token.issuerKeyId}"`,
      );
    }
    if (!tokenSignatureValid(token, ctx.trusted)) {
      return fail("TOKEN_INVALID", `token ${token.id} has an invalid signature`);
    }
  }
  // A clock or skew that is not a number must not open the window: NaN compares
  // false both ways, which would make every expired token look current.
  if (!Number.isFinite(ctx.now)) {
    return fail("TOKEN_INVALID", `cannot check token ${token.id}: clock reads ${ctx.now}`);
  }
  const skew = Number.isNaN(ctx.skewMs) ? 0 : Math.min(Math.max(0, ctx.skewMs), MAX_SKEW_MS);
  if (ctx.now + skew < token.issuedAt) {
    return fail("TOKEN_INVALID", `token ${token.id} is not valid before ${iso(token.issuedAt)}`);
  }
  if (ctx.now - skew >= token.expiresAt) {
    return fail("TOKEN_EXPIRED", `token ${token.id} expired at ${iso(token.expiresAt)}`);
  }
  if (ctx.isRevoked(token.id)) return fail("TOKEN_REVOKED", `token ${token.id} was revoked`);
  if (token.singleUse && ctx.isConsumed?.(token.id)) {
    return fail("TOKEN_CONSUMED", `single-use token ${token.id} was already used`);
  }
  if (token.principal !== request.principal) {
    return fail(
      "TOKEN_SCOPE",
      `token ${token.id} belongs to "${token.principal}", not "${request.principal}"`,
    );
  }
  if (token.scope === "session" && token.sessionId !== request.sessionId) {
    return fail("TOKEN_SCOPE", `token ${token.id} is for session "${token.sessionId}" only`);
  }
  if (!token.permissions.includes(request.permission)) {
    return fail("TOKEN_SCOPE", `token ${token.id} does not grant "${request.permission}"`);
  }
  if (!scopeCovers(token.resource, request.resource)) {
    return fail(
      "TOKEN_SCOPE",
      `token ${token.id} (${token.resource}) does not cover ${request.resource}`,
    );
  }
  return { ok: true };
}

function fail(code: Extract<TokenVerdict, { ok: false }>["code"], reason: string): TokenVerdict {
  return { ok: false, code, reason };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
