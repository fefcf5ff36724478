/**
 * Capability tokens: what "Allow Always" leaves behind. A token says that
 * `principal` may use `permissions` on resources matching `resource` until
 * `expiresAt`, and links back to the audit entry of the decision that
 * created it. It is signed with the runtime's ed25519 key.
 *
 * Signing encoding, version 1 (pinned by `tests/vectors/capability/`):
 *
 *     message = UTF-8("astrid/capability-token/v1\n") || UTF-8(canonicalJson(body))
 *
 * where `body` is every field of the token except `signature`, and
 * `canonicalJson` sorts keys and adds no whitespace (`src/core/canonical_json.ts`).
 * The domain prefix keeps a token signature from ever verifying as any other
 * signed object of Astrid's (audit checkpoints use their own prefix).
 *
 * @module
 */

import {
  canonicalJson,
  type Clock,
  type Random,
  randomId,
  toBase64Url,
  utf8,
} from "../../core/mod.ts";
import type { Permission } from "../action.ts";
import { blake3Domain } from "../crypto/blake3.ts";
import type { Signer } from "../keyring.ts";
import { parseToken } from "./parse_token.ts";
import { parseResource } from "./scope_covers.ts";

/** Version of the token format and its signing encoding. */
export const TOKEN_VERSION = 1;
/** Domain prefix of the signed message. */
export const TOKEN_DOMAIN = "astrid/capability-token/v1\n";

/** A signed capability token. */
export interface CapabilityToken {
  readonly v: 1;
  readonly id: string;
  /** Resource pattern: `file:///abs/path/**`, `exec://git`, `net://host:443`, ... */
  readonly resource: string;
  readonly permissions: readonly Permission[];
  /** Milliseconds since the epoch. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly scope: "session" | "persistent";
  /** Required when `scope` is `session`. */
  readonly sessionId?: string;
  readonly issuerKeyId: string;
  readonly principal: string;
  readonly auditEntryId: string;
  readonly auditEntryHash: string;
  readonly singleUse: boolean;
  /** 16 random bytes, base64url: two otherwise identical grants never share a signature. */
  readonly nonce: string;
  /** Ed25519 signature of the encoding above, base64url. */
  readonly signature: string;
}

/** A token before it is signed. */
export type UnsignedToken = Omit<CapabilityToken, "signature">;

/** The exact bytes that are signed. */
export function encodeTokenForSigning(token: UnsignedToken): Uint8Array {
  const { signature: _drop, ...body } = token as CapabilityToken;
  return utf8(TOKEN_DOMAIN + canonicalJson(body));
}

/** What the issuer decides; the rest (id, times, key, nonce, signature) is filled in. */
export interface TokenGrant {
  readonly resource: string;
  readonly permissions: readonly Permission[];
  readonly scope: "session" | "persistent";
  readonly sessionId?: string;
  readonly principal: string;
  readonly auditEntryId: string;
  readonly auditEntryHash: string;
  readonly singleUse?: boolean;
}

/** Issue and sign a token valid for `ttlMs` from now. */
export function issueToken(
  grant: TokenGrant,
  deps: { signer: Signer; clock: Clock; random: Random; ttlMs: number },
): CapabilityToken {
  if (!Number.isSafeInteger(deps.ttlMs) || deps.ttlMs <= 0) {
    throw new RangeError(`Token lifetime must be a whole number of ms > 0, got ${deps.ttlMs}`);
  }
  if (grant.scope === "session" && !grant.sessionId) {
    throw new TypeError("A session-scoped token needs a sessionId");
  }
  const resource = parseResource(grant.resource);
  if (!resource.ok) throw new TypeError(`Cannot issue a token: ${resource.reason}`);
  const now = deps.clock.now();
  const unsigned: UnsignedToken = {
    v: 1,
    id: randomId(deps.random),
    resource: grant.resource,
    permissions: [...new Set(grant.permissions)].sort(),
    issuedAt: now,
    expiresAt: now + deps.ttlMs,
    scope: grant.scope,
    ...(grant.sessionId ? { sessionId: grant.sessionId } : {}),
    issuerKeyId: deps.signer.keyId,
    principal: grant.principal,
    auditEntryId: grant.auditEntryId,
    auditEntryHash: grant.auditEntryHash,
    singleUse: grant.singleUse ?? false,
    nonce: toBase64Url(deps.random.bytes(16)),
  };
  const signature = toBase64Url(deps.signer.sign(encodeTokenForSigning(unsigned)));
  // Every token we sign must read back: one that parseToken() refuses would be
  // stored, audited and then silently never match anything.
  const parsed = parseToken({ ...unsigned, signature });
  if (!parsed.ok) throw new TypeError(`Cannot issue a token: ${parsed.reason}`);
  return parsed.token;
}

/** Hash of the whole signed token, as recorded in the audit log's authorization proof. */
export function tokenHash(token: CapabilityToken): string {
  return blake3Domain("astrid/capability-token-hash/v1", utf8(canonicalJson(token)));
}
