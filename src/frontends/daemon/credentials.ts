/**
 * Who may connect: bearer tokens, each mapped to a principal. The daemon
 * keeps only SHA-256 hashes of the tokens and compares hashes in constant
 * time against every entry, so neither the comparison nor the position of a
 * match leaks through timing.
 *
 * Today there is one entry (the token file maps to the local principal);
 * the list is there so more principals can be added without a new scheme.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { toBase64Url } from "../../core/mod.ts";

/** A principal and the hash of its token. */
export interface Credential {
  readonly principal: string;
  readonly tokenHash: Uint8Array;
}

/** The principal the token file belongs to. */
export const LOCAL_PRINCIPAL = "local";

/** Bytes of randomness in a token (256 bits). */
export const TOKEN_BYTES = 32;

/** A new token: 32 random bytes, base64url (43 characters). */
export function newToken(randomBytes: (n: number) => Uint8Array): string {
  return toBase64Url(randomBytes(TOKEN_BYTES));
}

/** The stored form of `token`. */
export function credentialOf(principal: string, token: string): Credential {
  return { principal, tokenHash: hashToken(token) };
}

/** The principal `token` belongs to, or `undefined`. Takes the same time whatever matches. */
export function principalOf(
  credentials: readonly Credential[],
  token: string,
): string | undefined {
  const h = hashToken(token);
  let found: string | undefined;
  for (const c of credentials) {
    // No early exit: every entry is compared.
    if (timingSafeEqual(h, c.tokenHash) && found === undefined) found = c.principal;
  }
  return found;
}

function hashToken(token: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(token, "utf8").digest());
}
