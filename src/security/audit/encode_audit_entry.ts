/**
 * The canonical encoding of an audit entry, its hash, and the stored form.
 *
 * Encoding v1 (the bytes that are hashed), UTF-8, lines joined by `\n`, no
 * trailing newline:
 *
 * ```text
 * astrid/audit-entry/v1
 * <seq, decimal, no leading zeros>
 * <prevHash, 64 lowercase hex digits>
 * <canonical JSON of every other field but hash>
 * ```
 *
 * The canonical JSON is `canonicalJson` from core (keys sorted by UTF-16 code
 * units, no whitespace, absent optional fields omitted) of `{ id, time,
 * sessionId, principal, kind, action?, summary?, decision?, stage?, proof?,
 * outcome?, links?, detail? }`. The first line separates this domain from
 * every other hashed or signed structure in Astrid and names the version.
 * `hash` = BLAKE3-256 of the encoding, 64 lowercase hex digits. The first
 * entry's `prevHash` is {@link GENESIS_HASH} (64 zeros).
 *
 * Stored form (the KV value, a `Uint8Array`): `<hash>\n` followed by the
 * encoding, byte for byte. Verification therefore hashes exactly the bytes
 * that were stored (`stored.subarray(65)`), and reads the sequence number and
 * the link from fixed positions in the first lines, without `JSON.parse`:
 * that is what lets `audit verify` run at list speed. The JSON body is parsed
 * only to display or export an entry.
 *
 * @module
 */

import { canonicalJson, utf8 } from "../../core/mod.ts";
import { blake3Hex } from "../crypto/blake3.ts";
import type { AuditEntry } from "./audit_entry.ts";

/** First line of encoding v1. */
export const AUDIT_ENTRY_DOMAIN = "astrid/audit-entry/v1";

/** An entry before its hash is known. */
export type UnsealedAuditEntry = Omit<AuditEntry, "hash">;

const HASH_RE = /^[0-9a-f]{64}$/;

/** The canonical encoding v1 of `entry` (its `hash`, if present, is ignored). */
export function encodeAuditEntry(entry: UnsealedAuditEntry | AuditEntry): Uint8Array {
  const { seq, prevHash } = entry;
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new RangeError(`Cannot encode audit entry: seq ${seq} is not a positive integer`);
  }
  if (!HASH_RE.test(prevHash)) {
    throw new SyntaxError(
      `Cannot encode audit entry #${seq}: prevHash "${prevHash}" is not 64 lowercase hex digits`,
    );
  }
  const body: Record<string, unknown> = { ...entry };
  delete body.seq;
  delete body.prevHash;
  delete body.hash;
  return utf8(`${AUDIT_ENTRY_DOMAIN}\n${seq}\n${prevHash}\n${canonicalJson(body)}`);
}

/** BLAKE3-256 (hex) of an encoding. */
export function hashAuditEncoding(encoding: Uint8Array): string {
  return blake3Hex(encoding);
}

/** The stored form: `<hash>\n` + encoding. */
export function storedAuditEntry(hash: string, encoding: Uint8Array): Uint8Array {
  const out = new Uint8Array(65 + encoding.length);
  out.set(utf8(`${hash}\n`), 0);
  out.set(encoding, 65);
  return out;
}
