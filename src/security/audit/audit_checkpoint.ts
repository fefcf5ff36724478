/**
 * Signed checkpoints: the runtime key's statement "entry #seq of the chain has
 * hash H". The chain head is such a checkpoint for the newest entry, re-signed
 * on every group commit; periodic ones are kept every `checkpointEvery`
 * entries.
 *
 * Why checkpoints and not a signature per entry: `audit verify` must check at
 * least 100,000 entries/s, and one native Ed25519 verify costs about 32 us
 * (31,000/s). Every entry's hash covers its predecessor's, so one valid
 * signature over the newest hash attests the whole prefix; the per-entry work
 * stays at one BLAKE3 (about 1 us). Signing costs one signature (about 15 us)
 * per commit, shared by every entry in it.
 *
 * The limit, stated plainly: this detects any change made without the
 * runtime's signing key. Someone who holds the key can rewrite history and
 * re-sign it; and someone with write access to the state file can roll the
 * whole log (entries, head and checkpoints together) back to an earlier,
 * genuinely signed state. Neither is detectable from the file alone. The
 * remedy is an external witness: record `seq:hash` of the head somewhere the
 * agent cannot write (`audit verify --json` prints it, `audit export` ships
 * entries elsewhere) and later run `audit verify --expect-head SEQ:HASH`,
 * which fails unless the chain still contains that entry with that hash.
 *
 * Signed message, UTF-8, lines joined by `\n`:
 *
 * ```text
 * astrid/audit-checkpoint/v1
 * <seq>
 * <hash, 64 lowercase hex>
 * <time, integer milliseconds since the epoch>
 * <keyId>
 * ```
 *
 * @module
 */

import { fromBase64Url, toBase64Url, utf8 } from "../../core/mod.ts";
import { verifySignature } from "../crypto/ed25519.ts";
import type { Signer } from "../keyring.ts";

/** First line of the signed checkpoint message. */
export const AUDIT_CHECKPOINT_DOMAIN = "astrid/audit-checkpoint/v1";

/** A signed statement that entry `seq` has `hash`. */
export interface AuditCheckpoint {
  readonly seq: number;
  readonly hash: string;
  /** When it was signed (ms since the epoch). */
  readonly time: number;
  readonly keyId: string;
  /** Ed25519 signature over {@link checkpointMessage}, unpadded base64url. */
  readonly signature: string;
}

/** The public key for a trusted key id, or `undefined` if the id is not trusted. */
export type TrustedKeyLookup = (keyId: string) => Uint8Array | undefined;

/** The bytes a checkpoint signature covers. */
export function checkpointMessage(
  c: { readonly seq: number; readonly hash: string; readonly time: number; readonly keyId: string },
): Uint8Array {
  return utf8(`${AUDIT_CHECKPOINT_DOMAIN}\n${c.seq}\n${c.hash}\n${c.time}\n${c.keyId}`);
}

/** Sign that entry `seq` has `hash`, at `time`. */
export function signCheckpoint(
  signer: Signer,
  point: { readonly seq: number; readonly hash: string; readonly time: number },
): AuditCheckpoint {
  const time = Math.trunc(point.time);
  const unsigned = { seq: point.seq, hash: point.hash, time, keyId: signer.keyId };
  return { ...unsigned, signature: toBase64Url(signer.sign(checkpointMessage(unsigned))) };
}

/** Why `value` (as read from storage) is not a well-formed checkpoint, or the checkpoint. */
export function parseCheckpoint(value: unknown): AuditCheckpoint | { malformed: string } {
  if (typeof value !== "object" || value === null) return { malformed: "not an object" };
  const v = value as Record<string, unknown>;
  if (!Number.isSafeInteger(v.seq) || (v.seq as number) < 1) {
    return { malformed: `seq ${JSON.stringify(v.seq)} is not a positive integer` };
  }
  if (typeof v.hash !== "string" || !/^[0-9a-f]{64}$/.test(v.hash)) {
    return { malformed: "hash is not 64 lowercase hex digits" };
  }
  if (!Number.isSafeInteger(v.time)) return { malformed: "time is not an integer" };
  if (typeof v.keyId !== "string" || v.keyId.length === 0 || v.keyId.includes("\n")) {
    return { malformed: "keyId is missing" };
  }
  if (typeof v.signature !== "string") return { malformed: "signature is missing" };
  return {
    seq: v.seq as number,
    hash: v.hash,
    time: v.time as number,
    keyId: v.keyId,
    signature: v.signature,
  };
}

/** `undefined` when `c` is signed by a trusted key, else why not. */
export function checkpointProblem(
  c: AuditCheckpoint,
  trusted: TrustedKeyLookup,
): string | undefined {
  const pub = trusted(c.keyId);
  if (!pub) return `signed by key ${c.keyId}, which is not a trusted key`;
  let sig: Uint8Array;
  try {
    sig = fromBase64Url(c.signature);
  } catch {
    return "signature is not base64url";
  }
  if (!verifySignature(pub, checkpointMessage(c), sig)) {
    return `signature does not verify under trusted key ${c.keyId}`;
  }
  return undefined;
}
