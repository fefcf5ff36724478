/**
 * Where the audit log lives in Deno KV.
 *
 * | key                                 | value                                          |
 * |-------------------------------------|------------------------------------------------|
 * | `["audit", "e", seq]`               | stored entry: `Uint8Array` `<hash>\n<encoding>` |
 * | `["audit", "head"]`                 | signed checkpoint of the last entry            |
 * | `["audit", "cp", seq]`              | signed checkpoint every `checkpointEvery`      |
 * | `["audit", "s", sessionId, seq]`    | entry hash (hex): the per-session index        |
 * | `["audit", "meta", "last_verify"]`  | {@link LastVerify} of the latest verification  |
 *
 * Sequence numbers are JS numbers, so entries list in chain order. Entry ids
 * are `<seq>-<random hex>`, so a lookup by id needs no index of its own.
 *
 * @module
 */

/** The chain head. Every append reads it (and so `check`s it): one linear chain across processes. */
export const AUDIT_HEAD_KEY: Deno.KvKey = ["audit", "head"];
/** Prefix of the stored entries. */
export const AUDIT_ENTRY_PREFIX: Deno.KvKey = ["audit", "e"];
/** Prefix of the periodic checkpoints. */
export const AUDIT_CHECKPOINT_PREFIX: Deno.KvKey = ["audit", "cp"];
/** Prefix of the per-session index. */
export const AUDIT_SESSION_PREFIX: Deno.KvKey = ["audit", "s"];
/** Where the result of the latest verification is kept. */
export const AUDIT_LAST_VERIFY_KEY: Deno.KvKey = ["audit", "meta", "last_verify"];

/** Key of entry `seq`. */
export function auditEntryKey(seq: number): Deno.KvKey {
  return ["audit", "e", seq];
}

/** Key of the checkpoint at `seq`. */
export function auditCheckpointKey(seq: number): Deno.KvKey {
  return ["audit", "cp", seq];
}

/** Key of the per-session index row for entry `seq`. */
export function auditSessionKey(sessionId: string, seq: number): Deno.KvKey {
  return ["audit", "s", sessionId, seq];
}

/** The stored result of the latest `audit verify`. */
export interface LastVerify {
  /** When it finished (ms since the epoch). */
  readonly time: number;
  readonly intact: boolean;
  /** Entries verified. */
  readonly length: number;
  readonly headSeq?: number;
  readonly headHash?: string;
  readonly seq?: number;
  readonly problem?: string;
  readonly reason?: string;
  readonly durationMs: number;
}
