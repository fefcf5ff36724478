/**
 * Appends one session's records in order without waiting for each commit:
 * the index of every record is fixed when it is submitted, and a small
 * record is submitted at once, in the same tick as the caller's other writes
 * (an audit outcome, a charge), so they share one group commit.
 *
 * A record that may need pieces (see `INLINE_BYTES`) is written after every
 * earlier record committed, and later records wait for it, so indexes never
 * cross. After a failed append every later one fails too (the store sees an
 * unexpected count): the turn stops instead of leaving a gap.
 *
 * @module
 */

import {
  INLINE_BYTES,
  type KvSessionStore,
  type MetaPatch,
  type NewRecord,
  type SessionMeta,
} from "../../storage/mod.ts";

/** The ordered writer of one session's records. */
export class SessionWriter {
  readonly #store: KvSessionStore;
  readonly #sid: string;
  #count: number;
  #pending = 0;
  #gate: Promise<unknown> = Promise.resolve();

  constructor(store: KvSessionStore, sid: string, count: number) {
    this.#store = store;
    this.#sid = sid;
    this.#count = count;
  }

  /** The index the next record will get. */
  get next(): number {
    return this.#count;
  }

  /** Append `records` (at indexes `next`, `next + 1`, ...), with `patch` in the same commit. */
  append(records: readonly NewRecord[], patch?: MetaPatch): Promise<SessionMeta> {
    const expect = this.#count;
    this.#count += records.length;
    // UTF-16 length x 3 bounds the UTF-8 size: records under it certainly fit inline.
    const large = records.some((r) => JSON.stringify(r.body).length * 3 > INLINE_BYTES);
    if (this.#pending === 0 && !large) {
      return this.#store.append(this.#sid, expect, records, patch);
    }
    this.#pending++;
    const run = this.#gate.then(() => this.#store.append(this.#sid, expect, records, patch));
    this.#gate = run.then(
      () => this.#pending--,
      () => this.#pending--,
    );
    return run;
  }
}
