/**
 * Chain verification over stored entries, in sequence order.
 *
 * Per entry (the hot loop, no `JSON.parse`, no allocation beyond the digest):
 * the key's seq is the next one (a deleted entry is found), the stored form
 * has the v1 layout, the seq line equals the key (a moved entry is found), the
 * prevHash line equals the previous entry's hash (genesis: 64 zeros), and
 * BLAKE3 of the stored encoding equals the stored hash. Then, once: every
 * checkpoint is signed by a trusted key (rotated keys included, as long as the
 * keyring still trusts them) and matches the entry it names, and the signed
 * head names exactly the last entry (a truncated tail or an unsigned tail is
 * found). With `expectHead`, the chain must still contain that entry.
 *
 * The verdict names the first bad entry: for a broken entry, that entry; for
 * a bad or mismatching signature, the first entry that no valid checkpoint
 * attests (everything after the last good checkpoint is suspect).
 *
 * @module
 */

import { blake3 } from "../crypto/blake3.ts";
import {
  type AuditCheckpoint,
  checkpointProblem,
  parseCheckpoint,
  type TrustedKeyLookup,
} from "./audit_checkpoint.ts";
import { AUDIT_ENTRY_DOMAIN } from "./encode_audit_entry.ts";
import { utf8 } from "../../core/mod.ts";

/** One entry as stored: its key's seq and the stored bytes. */
export interface StoredAuditEntry {
  readonly seq: number;
  readonly bytes: Uint8Array;
}

/** A point in the chain: entry `seq` has `hash`. */
export interface ChainPoint {
  readonly seq: number;
  readonly hash: string;
}

/** What is wrong, as a stable tag. */
export type ChainProblem =
  | "malformed_key"
  | "malformed_entry"
  | "unknown_encoding"
  | "missing_entry"
  | "out_of_order"
  | "seq_mismatch"
  | "broken_link"
  | "hash_mismatch"
  | "head_missing"
  | "head_malformed"
  | "head_signature"
  | "head_mismatch"
  | "tail_truncated"
  | "unsigned_tail"
  | "checkpoint_malformed"
  | "checkpoint_signature"
  | "checkpoint_mismatch"
  | "checkpoint_beyond_tail"
  | "expected_head"
  | "index_mismatch";

/** The first problem found. `seq` is the first bad entry, when one can be named. */
export interface ChainBreak {
  readonly seq: number | undefined;
  readonly problem: ChainProblem;
  readonly reason: string;
}

/** Result of a verification. */
export type ChainVerdict =
  | {
    readonly intact: true;
    /** Entries verified. */
    readonly length: number;
    readonly head: AuditCheckpoint | undefined;
    readonly checkpoints: number;
  }
  | ({ readonly intact: false; readonly length: number } & ChainBreak);

/** Inputs of {@link ChainVerifier.finish} and {@link verifyChain}. */
export interface ChainEvidence {
  /** The stored chain head (signed checkpoint of the last entry), or `undefined`/`null` if absent. */
  readonly head: unknown;
  /** Stored periodic checkpoints, any order. */
  readonly checkpoints?: Iterable<unknown>;
  readonly trusted: TrustedKeyLookup;
  /** An externally recorded `seq:hash` the chain must still contain. */
  readonly expectHead?: ChainPoint;
}

const NL = 10;
const HEX_DIGITS = utf8("0123456789abcdef");
const DOMAIN_LINE = utf8(`${AUDIT_ENTRY_DOMAIN}\n`);
const SEQ_AT = 65 + DOMAIN_LINE.length;
const ZERO_HASH = new Uint8Array(32);
/** Hash line, domain line, one seq digit and newline, prevHash line, `{}`. */
const MIN_STORED = SEQ_AT + 2 + 65 + 2;

/** Incremental verifier: push entries in order, then `finish` with the head and checkpoints. */
export class ChainVerifier {
  #last = 0;
  #hashes = new Uint8Array(32 * 1024);
  #break: ChainBreak | undefined;

  /** The last entry that verified (0 before the first). */
  get lastSeq(): number {
    return this.#last;
  }

  /** The first problem found in the entries so far. */
  get broken(): ChainBreak | undefined {
    return this.#break;
  }

  /** Hash (hex) of verified entry `seq`. */
  hashAt(seq: number): string | undefined {
    if (!Number.isSafeInteger(seq) || seq < 1 || seq > this.#last) return undefined;
    let s = "";
    const o = (seq - 1) * 32;
    for (let i = o; i < o + 32; i++) {
      const d = this.#hashes[i]!;
      s += String.fromCharCode(HEX_DIGITS[d >> 4]!, HEX_DIGITS[d & 15]!);
    }
    return s;
  }

  /** Verify the next entry. Returns false once the chain is broken (later pushes are ignored). */
  push(seq: number, b: Uint8Array): boolean {
    if (this.#break) return false;
    const expected = this.#last + 1;
    if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1) {
      return this.#fail(expected, "malformed_key", `an entry key holds ${String(seq)}, not a seq`);
    }
    if (seq !== expected) {
      return seq > expected
        ? this.#fail(
          expected,
          "missing_entry",
          `entry #${expected} is missing (the next entry is #${seq})`,
        )
        : this.#fail(seq, "out_of_order", `entry #${seq} came after #${this.#last}`);
    }
    if (!(b instanceof Uint8Array) || b.length < MIN_STORED || b[64] !== NL) {
      return this.#fail(seq, "malformed_entry", `entry #${seq} is not in the stored form`);
    }
    for (let i = 0; i < DOMAIN_LINE.length; i++) {
      if (b[65 + i] !== DOMAIN_LINE[i]) {
        return this.#fail(
          seq,
          "unknown_encoding",
          `entry #${seq} is not encoded as ${AUDIT_ENTRY_DOMAIN}`,
        );
      }
    }
    // The seq line: decimal, no leading zero, equal to the key.
    let p = SEQ_AT;
    let n = 0;
    while (p < b.length && b[p] !== NL && p - SEQ_AT < 17) {
      const d = b[p]! - 48;
      if (d < 0 || d > 9 || (d === 0 && p === SEQ_AT)) {
        return this.#fail(seq, "malformed_entry", `entry #${seq} has a malformed seq line`);
      }
      n = n * 10 + d;
      p++;
    }
    if (p === SEQ_AT || b[p] !== NL) {
      return this.#fail(seq, "malformed_entry", `entry #${seq} has a malformed seq line`);
    }
    if (n !== seq) {
      return this.#fail(seq, "seq_mismatch", `the entry stored as #${seq} says it is #${n}`);
    }
    p++;
    if (p + 65 > b.length || b[p + 64] !== NL) {
      return this.#fail(seq, "malformed_entry", `entry #${seq} has a malformed prevHash line`);
    }
    const prev = seq === 1 ? ZERO_HASH : this.#hashes.subarray((seq - 2) * 32, (seq - 1) * 32);
    if (!hexEquals(b, p, prev)) {
      return seq === 1
        ? this.#fail(1, "broken_link", "entry #1 does not start from the genesis hash (64 zeros)")
        : this.#fail(
          seq,
          "broken_link",
          `entry #${seq} does not link to entry #${seq - 1} (its prevHash differs from #${
            seq - 1
          }'s hash)`,
        );
    }
    const digest = blake3(b.subarray(65));
    if (!hexEquals(b, 0, digest)) {
      return this.#fail(
        seq,
        "hash_mismatch",
        `entry #${seq} was modified (its content does not hash to its stored hash)`,
      );
    }
    const o = (seq - 1) * 32;
    if (o + 32 > this.#hashes.length) {
      const grown = new Uint8Array(this.#hashes.length * 2);
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    this.#hashes.set(digest, o);
    this.#last = seq;
    return true;
  }

  /** Check the head, checkpoints and expected head against the entries pushed, and conclude. */
  finish(evidence: ChainEvidence): ChainVerdict {
    const breaks: ChainBreak[] = [];
    if (this.#break) breaks.push(this.#break);
    const last = this.#last;
    const complete = this.#break === undefined;

    // Checkpoints: each signed by a trusted key and matching its entry.
    const valid: number[] = [];
    const signatureFailures: { seq: number; problem: ChainProblem; reason: string }[] = [];
    let count = 0;
    for (const raw of evidence.checkpoints ?? []) {
      count++;
      const cp = parseCheckpoint(raw);
      if ("malformed" in cp) {
        const s = (raw as { seq?: unknown } | null)?.seq;
        signatureFailures.push({
          seq: Number.isSafeInteger(s) ? s as number : 1,
          problem: "checkpoint_malformed",
          reason: `a checkpoint is malformed: ${cp.malformed}`,
        });
        continue;
      }
      const bad = checkpointProblem(cp, evidence.trusted);
      if (bad) {
        signatureFailures.push({
          seq: cp.seq,
          problem: "checkpoint_signature",
          reason: `checkpoint #${cp.seq} is ${bad}`,
        });
      } else if (cp.seq <= last) {
        if (this.hashAt(cp.seq) === cp.hash) valid.push(cp.seq);
        else {
          signatureFailures.push({
            seq: cp.seq,
            problem: "checkpoint_mismatch",
            reason: `entry #${cp.seq} differs from the signed checkpoint #${cp.seq}`,
          });
        }
      } else if (complete) {
        breaks.push({
          seq: last + 1,
          problem: "checkpoint_beyond_tail",
          reason:
            `checkpoint #${cp.seq} attests an entry after the last entry #${last}: entries were removed from the end`,
        });
      }
    }
    valid.sort((a, b) => a - b);
    // Everything after the last valid checkpoint below `seq` is unattested.
    const firstUnattested = (seq: number) => {
      let a = 0;
      for (const v of valid) if (v < seq) a = v;
      return Math.min(a + 1, Math.max(last, 1));
    };
    for (const f of signatureFailures) breaks.push({ ...f, seq: firstUnattested(f.seq) });

    // The head: present whenever there are entries, trusted, naming the last entry.
    let head: AuditCheckpoint | undefined;
    if (evidence.head === undefined || evidence.head === null) {
      if (complete && last > 0) {
        breaks.push({
          seq: undefined,
          problem: "head_missing",
          reason: `the signed chain head is missing, but there are ${last} entries`,
        });
      }
    } else {
      const h = parseCheckpoint(evidence.head);
      if ("malformed" in h) {
        breaks.push({
          seq: undefined,
          problem: "head_malformed",
          reason: `the chain head is malformed: ${h.malformed}`,
        });
      } else {
        head = h;
        const bad = checkpointProblem(h, evidence.trusted);
        if (bad) {
          breaks.push({
            seq: firstUnattested(h.seq),
            problem: "head_signature",
            reason: `the chain head (#${h.seq}) is ${bad}`,
          });
        } else if (h.seq <= last && this.hashAt(h.seq) !== h.hash) {
          breaks.push({
            seq: firstUnattested(h.seq),
            problem: "head_mismatch",
            reason: `entry #${h.seq} differs from the signed chain head`,
          });
        } else if (complete && h.seq > last) {
          breaks.push({
            seq: last + 1,
            problem: "tail_truncated",
            reason:
              `the signed head is entry #${h.seq} but the last entry is #${last}: entries were removed from the end`,
          });
        } else if (complete && h.seq < last) {
          breaks.push({
            seq: h.seq + 1,
            problem: "unsigned_tail",
            reason: `entries #${h.seq + 1}..#${last} come after the signed head #${h.seq}`,
          });
        }
      }
    }

    const x = evidence.expectHead;
    if (x) {
      if (x.seq <= last) {
        if (this.hashAt(x.seq) !== x.hash) {
          breaks.push({
            seq: x.seq,
            problem: "expected_head",
            reason: `entry #${x.seq} does not have the expected hash ${x.hash}`,
          });
        }
      } else if (complete) {
        breaks.push({
          seq: last + 1,
          problem: "expected_head",
          reason:
            `the chain ends at #${last}, before the expected entry #${x.seq}: it was rolled back or truncated`,
        });
      }
    }

    const first = firstBreak(breaks);
    if (first) return { intact: false, length: last, ...first };
    return { intact: true, length: last, head, checkpoints: count };
  }

  /**
   * Check the per-session index against the verified entries: every row names
   * a verified entry by its hash, and every entry has exactly one row. Rows for
   * entries beyond the verified ones (appended meanwhile) are ignored. The
   * session id of a row is not compared with the entry's (that needs a parse).
   */
  async checkIndex(
    rows: Iterable<ChainPoint> | AsyncIterable<{ seq: number; hash: unknown }>,
  ): Promise<ChainBreak | undefined> {
    const last = this.#last;
    const seen = new Uint8Array(last + 1);
    for await (const r of rows) {
      if (!Number.isSafeInteger(r.seq) || r.seq < 1) {
        return { seq: undefined, problem: "index_mismatch", reason: "an index row has no seq" };
      }
      if (r.seq > last) continue;
      if (seen[r.seq]) {
        return {
          seq: r.seq,
          problem: "index_mismatch",
          reason: `entry #${r.seq} is indexed twice`,
        };
      }
      seen[r.seq] = 1;
      if (r.hash !== this.hashAt(r.seq)) {
        return {
          seq: r.seq,
          problem: "index_mismatch",
          reason: `the session index row for #${r.seq} does not match the entry's hash`,
        };
      }
    }
    for (let s = 1; s <= last; s++) {
      if (!seen[s]) {
        return {
          seq: s,
          problem: "index_mismatch",
          reason: `entry #${s} is missing from the session index`,
        };
      }
    }
    return undefined;
  }

  #fail(seq: number, problem: ChainProblem, reason: string): false {
    this.#break = { seq, problem, reason };
    return false;
  }
}

/** Verify `entries` (in key order) against the head and checkpoints. */
export async function verifyChain(
  input: ChainEvidence & {
    readonly entries: Iterable<StoredAuditEntry> | AsyncIterable<StoredAuditEntry>;
  },
): Promise<ChainVerdict> {
  const v = new ChainVerifier();
  for await (const e of input.entries) {
    if (!v.push(e.seq, e.bytes)) break;
  }
  return v.finish(input);
}

function hexEquals(b: Uint8Array, offset: number, raw: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    const d = raw[i]!;
    if (
      b[offset + 2 * i] !== HEX_DIGITS[d >> 4] || b[offset + 2 * i + 1] !== HEX_DIGITS[d & 15]
    ) return false;
  }
  return true;
}

function firstBreak(breaks: readonly ChainBreak[]): ChainBreak | undefined {
  let best: ChainBreak | undefined;
  for (const b of breaks) {
    if (!best || (b.seq ?? Infinity) < (best.seq ?? Infinity)) best = b;
  }
  return best;
}
