/**
 * The runtime's keys as data: one active signing key and the set of public
 * keys it trusts (the active one plus rotated-out ones, so old signatures stay
 * verifiable). Verification only ever uses keys from this set, never a key
 * carried inside a signed object.
 *
 * @module
 */

import { toBase64Url } from "../core/mod.ts";
import { blake3, blake3Domain } from "./crypto/blake3.ts";
import { createSigner } from "./crypto/ed25519.ts";

/** A key the runtime signs with. */
export interface SigningKey {
  readonly keyId: string;
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** A public key the runtime accepts signatures from. */
export interface TrustedKey {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  readonly createdAt: number;
  /** When it stopped being the active key, if it did. */
  readonly retiredAt?: number;
}

/** The active key and every trusted public key, by key id. */
export interface Keyring {
  readonly active: SigningKey;
  readonly trusted: ReadonlyMap<string, TrustedKey>;
}

/** Something that can sign with a known key id. */
export interface Signer {
  readonly keyId: string;
  sign(message: Uint8Array): Uint8Array;
}

/** Key id: `ed25519:` and the first 16 hex digits of a domain-separated BLAKE3 of the public key. */
export function keyIdOf(publicKey: Uint8Array): string {
  return `ed25519:${blake3Domain("astrid/key-id/v1", publicKey).slice(0, 16)}`;
}

/** Human fingerprint: `BLAKE3:` and unpadded base64url of BLAKE3(public key). */
export function fingerprintOf(publicKey: Uint8Array): string {
  return `BLAKE3:${toBase64Url(blake3(publicKey))}`;
}

/** A signer for the keyring's active key. */
export function signerOf(keyring: Keyring): Signer {
  const sign = createSigner(keyring.active.seed);
  return { keyId: keyring.active.keyId, sign };
}

/** The public key for `keyId` if the keyring trusts it. */
export function trustedPublicKey(keyring: Keyring, keyId: string): Uint8Array | undefined {
  return keyring.trusted.get(keyId)?.publicKey;
}
