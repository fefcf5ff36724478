/**
 * Group commit over one `Deno.Kv`: many callers, few fsyncs.
 *
 * A durable Deno KV commit costs one fsync (about 0.6 ms on a file), and
 * concurrent `atomic().commit()` calls do not share it: 8 in flight still give
 * about 2,000 commits/s, while 100 writes in one commit give 57,000/s
 * (../shared/notes/toolchain.md). `KvBatcher` turns the first pattern into the
 * second: callers submit jobs; every job submitted while the previous commit is
 * in flight is built into one overlay and committed in ONE `kv.atomic()`.
 * Each caller's promise settles only after the commit that carries its writes
 * is durable; nothing is fire-and-forget.
 *
 * Isolation. A job reads through {@link BatchTx.get}: the first read of a key
 * in a batch fetches it from KV (or from a small cache of values this batcher
 * committed, see below) and records its versionstamp; later reads in the same
 * batch see earlier jobs' writes. The commit carries a `check` for every key
 * read, so if another process (or another `Deno.Kv` handle) wrote one of them
 * in between, the commit fails as a whole and the batch is rebuilt from scratch
 * with fresh reads. `build()` must therefore be re-runnable and free of side
 * effects outside the `tx`. The result is serializable: each batch behaves as
 * if its jobs ran one after another, in submission order, at commit time.
 *
 * Failures. A job whose `build()` throws fails alone: its writes are dropped
 * (every job writes into its own layer that is merged only when it returns)
 * and the rest of the batch commits. Its error is delivered only after the
 * reads it observed were validated by that commit, because a failure decided
 * on a stale read must be retried like everything else. A check conflict, or
 * SQLite's `database is locked` when two processes write one file, rebuilds
 * and retries the batch: after a conflict with jittered exponential backoff
 * (failing with `AstridError("STORE_CONFLICT")` after `maxAttempts`), while
 * the file is locked by polling every few milliseconds (failing after
 * `busyTimeoutMs`). A commit
 * that Deno KV rejects for size (see the limits below) is retried with every
 * job in a batch of its own, so only the offending job fails.
 *
 * Read cache. Keys that jobs read are remembered with the value and
 * versionstamp of the commit that wrote (or the read that saw) them, so the
 * chain head or a budget record is not fetched again for every batch. This is
 * safe because a cached read still produces a `check`: if someone else wrote
 * the key, the commit fails and the batch is rebuilt with the cache dropped
 * for the keys it checked. Values are cloned into and out of the cache.
 *
 * @module
 */

import { AstridError } from "../core/mod.ts";

/**
 * Deno KV's limits for one atomic operation, measured on Deno 2.9.6 (each
 * one produced a `TypeError` from `commit()` one step past it):
 *
 * - at most 100 `check`s and 1,000 mutations;
 * - total mutation size at most 819,200 bytes, where a `check` counts its
 *   encoded key, a `set` counts twice its encoded key plus its encoded value
 *   (and a few bytes), and a `delete` counts its key;
 * - total size of the mutated keys at most 81,920 bytes (checks not counted);
 * - one value at most 65,536 bytes (a `Uint8Array` is stored as-is; other
 *   values are V8-serialized) and one key at most 2,048 bytes.
 *
 * Also: `getMany` takes at most 10 keys and `list` at most `batchSize: 1000`.
 */
export const KV_ATOMIC_LIMITS = {
  checks: 100,
  mutations: 1000,
  mutationBytes: 819_200,
  keyBytes: 81_920,
  valueBytes: 65_536,
  keyBytesEach: 2048,
} as const;

/** Room kept below {@link KV_ATOMIC_LIMITS} when packing a batch (size estimates are approximate). */
const HEADROOM = { checks: 0, mutations: 8, mutationBytes: 24_576, keyBytes: 2048 } as const;

/** What a batch job sees: reads through the batch overlay, buffered writes. */
export interface BatchTx {
  /**
   * The value at `key` as this batch sees it: an earlier write in the batch, or
   * the committed value (whose versionstamp the commit will `check`); `null`
   * when absent. Treat the result as immutable.
   */
  get<T = unknown>(key: Deno.KvKey): Promise<T | null>;
  /** `get` for several keys at once (fetched together, 10 per round trip). */
  getMany<T = unknown>(keys: readonly Deno.KvKey[]): Promise<(T | null)[]>;
  /** Buffer a write; later reads in this batch see it. Do not mutate `value` afterwards. */
  set(key: Deno.KvKey, value: unknown, options?: { expireIn?: number }): void;
  /** Buffer a delete; later reads in this batch see `null`. */
  delete(key: Deno.KvKey): void;
  /**
   * Run `fn` once per batch, after every job was built and before the commit,
   * however many jobs registered `name` (the first registration's `fn` runs).
   * The audit log signs the chain head here: one signature per commit. If `fn`
   * throws, the jobs that registered it fail and the batch is rebuilt without them.
   */
  beforeCommit(name: string, fn: (tx: BatchTx) => void | Promise<void>): void;
}

/** One unit of work: built (possibly several times) inside a batch, committed once. */
export interface BatchJob<R> {
  /** Read and write through `tx`; the return value resolves the caller's promise after the commit. */
  build(tx: BatchTx): R | Promise<R>;
  /** Keys `build` will read; fetched together with other jobs' keys before building. */
  readonly prefetch?: readonly Deno.KvKey[];
}

/** Tuning for {@link KvBatcher}. */
export interface KvBatcherOptions {
  /** Most jobs in one commit (KV limits may cut a batch shorter). Default 500. */
  readonly maxJobs?: number;
  /** Check conflicts per job before it fails with `STORE_CONFLICT`. Default 256. */
  readonly maxAttempts?: number;
  /** How long a job may keep meeting `database is locked` before it fails. Default 10,000 ms. */
  readonly busyTimeoutMs?: number;
  /** Upper bound of the random pause before retrying a locked commit. Default 2 ms. */
  readonly busyPollMs?: number;
  /**
   * Backoff after a conflict: random in [0, min(maxMs, baseMs * 2^attempt)). Default 0.5
   * and 8: short, because a long pause lets a busy writer in another process win
   * every race (measured: 25 ms starved the other process for a whole run).
   */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Keys remembered by the read cache. Default 4096; 0 turns it off. */
  readonly cacheSize?: number;
  /** Uniform [0, 1) for backoff jitter. Default `Math.random`. */
  readonly random?: () => number;
}

/** Counters for tests and benchmarks. */
export interface KvBatcherStats {
  /** Successful `kv.atomic().commit()` calls. */
  commits: number;
  /** Jobs whose promise resolved or rejected. */
  settled: number;
  /** Commits refused by a failed `check`. */
  conflicts: number;
  /** Commits that threw `database is locked`. */
  busy: number;
  /** Largest number of jobs in one successful commit. */
  largestBatch: number;
}

type Settle = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  readonly job: BatchJob<unknown>;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
  readonly signal?: AbortSignal;
  readonly onAbort?: () => void;
  attempts: number;
  /** Run in a batch of its own (after a batch commit threw for size). */
  solo: boolean;
  /** When its commits started failing with `database is locked` (ms, `performance.now()`). */
  busySince?: number;
  /** Taken into a batch: can no longer be aborted. */
  taken: boolean;
}

interface Write {
  readonly key: Deno.KvKey;
  readonly value: unknown;
  readonly deleted: boolean;
  readonly expireIn?: number;
}

interface Seen {
  readonly key: Deno.KvKey;
  readonly value: unknown;
  readonly versionstamp: string | null;
}

type Finalizer = (tx: BatchTx) => void | Promise<void>;

/** The group-commit engine. One per `Deno.Kv` handle; close it before the handle. */
export class KvBatcher {
  readonly #kv: Deno.Kv;
  readonly #maxJobs: number;
  readonly #maxAttempts: number;
  readonly #busyTimeoutMs: number;
  readonly #busyPollMs: number;
  readonly #backoff: { baseMs: number; maxMs: number };
  readonly #cacheSize: number;
  readonly #random: () => number;
  readonly #cache = new Map<string, Seen>();
  #queue: Pending[] = [];
  #running = false;
  #closed = false;
  #idle: (() => void)[] = [];
  readonly stats: KvBatcherStats = {
    commits: 0,
    settled: 0,
    conflicts: 0,
    busy: 0,
    largestBatch: 0,
  };

  constructor(kv: Deno.Kv, options: KvBatcherOptions = {}) {
    this.#kv = kv;
    this.#maxJobs = positive(options.maxJobs ?? 500, "maxJobs");
    this.#maxAttempts = positive(options.maxAttempts ?? 256, "maxAttempts");
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    this.#busyPollMs = options.busyPollMs ?? 2;
    this.#backoff = options.backoff ?? { baseMs: 0.5, maxMs: 8 };
    this.#cacheSize = options.cacheSize ?? 4096;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Queue `job` for the next commit. Resolves with `build`'s return value once
   * the commit carrying its writes is durable; rejects with `build`'s error,
   * `STORE_CONFLICT` after too many conflicts, or `STORE_FAILED`.
   * `signal` can withdraw the job only while it waits in the queue.
   */
  submit<R>(job: BatchJob<R>, options: { signal?: AbortSignal } = {}): Promise<R> {
    if (this.#closed) {
      return Promise.reject(new AstridError("STORE_CLOSED", "KvBatcher is closed"));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<R>((resolve, reject) => {
      const p: Pending = {
        job: job as BatchJob<unknown>,
        resolve: resolve as (v: unknown) => void,
        reject,
        signal,
        attempts: 0,
        solo: false,
        taken: false,
        onAbort: signal
          ? () => {
            if (p.taken) return;
            this.#queue = this.#queue.filter((q) => q !== p);
            reject(signal.reason);
          }
          : undefined,
      };
      if (signal && p.onAbort) signal.addEventListener("abort", p.onAbort, { once: true });
      this.#queue.push(p);
      this.#pump();
    });
  }

  /** `submit({ build })`. */
  run<R>(build: (tx: BatchTx) => R | Promise<R>, options?: { signal?: AbortSignal }): Promise<R> {
    return this.submit({ build }, options);
  }

  /** Refuse new jobs, commit everything queued, and resolve when idle. Does not close the KV. */
  close(): Promise<void> {
    this.#closed = true;
    return this.flush();
  }

  /** Resolve when every job submitted so far has settled. */
  flush(): Promise<void> {
    if (!this.#running && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    if (this.#running) return;
    this.#running = true;
    // A microtask, not a direct call: jobs submitted in the same tick join the first batch.
    queueMicrotask(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#take();
        const back = await this.#runBatch(batch);
        if (back.length > 0) this.#queue.unshift(...back);
      }
    } finally {
      this.#running = false;
      const idle = this.#idle;
      this.#idle = [];
      for (const f of idle) f();
    }
  }

  #take(): Pending[] {
    let n = 0;
    if (this.#queue[0]?.solo) n = 1;
    else {
      while (n < this.#queue.length && n < this.#maxJobs && !this.#queue[n]!.solo) n++;
    }
    const batch = this.#queue.splice(0, n);
    for (const p of batch) {
      p.taken = true;
      if (p.signal && p.onAbort) p.signal.removeEventListener("abort", p.onAbort);
    }
    return batch;
  }

  #settle(p: Pending, s: Settle): void {
    this.stats.settled++;
    if (s.ok) p.resolve(s.value);
    else p.reject(s.error);
  }

  /** Build and commit one batch; returns the jobs to run again (at the front of the queue). */
  async #runBatch(batch: Pending[]): Promise<Pending[]> {
    for (;;) {
      const state = new BatchState(this.#kv, this.#cache);
      await state.prefetch(batch.flatMap((p) => p.job.prefetch ?? []));
      const built: { p: Pending; settle: Settle; finalizers: string[] }[] = [];
      let deferred: Pending[] = [];
      for (let i = 0; i < batch.length; i++) {
        const p = batch[i]!;
        const layer = new Layer(state);
        let settle: Settle;
        try {
          settle = { ok: true, value: await p.job.build(layer.tx) };
        } catch (error) {
          settle = { ok: false, error };
        }
        layer.close();
        if (!settle.ok) layer.dropWrites();
        const over = state.overLimits(layer);
        if (over) {
          if (built.length === 0) {
            this.#settle(p, {
              ok: false,
              error: new RangeError(`Batch job is too large: ${over}`),
            });
            continue;
          }
          deferred = batch.slice(i);
          break;
        }
        state.accept(layer);
        built.push({ p, settle, finalizers: layer.finalizerNames });
      }
      if (built.length === 0) return deferred;

      const failedFinalizer = await state.runFinalizers();
      if (failedFinalizer) {
        // The jobs that asked for it fail; the others are rebuilt without them.
        const { name, error } = failedFinalizer;
        const rest: Pending[] = [];
        for (const b of built) {
          if (b.finalizers.includes(name)) this.#settle(b.p, { ok: false, error });
          else rest.push(b.p);
        }
        batch = [...rest, ...deferred];
        if (batch.length === 0) return [];
        continue;
      }

      if (state.read.size === 0 && state.writes.size === 0) {
        // Nothing read, nothing written (every job failed before touching KV): nothing to commit.
        for (const b of built) this.#settle(b.p, b.settle);
        return deferred;
      }
      const outcome = await this.#commit(state, built.length);
      if (outcome.kind === "ok") {
        this.stats.commits++;
        this.stats.largestBatch = Math.max(this.stats.largestBatch, built.length);
        state.remember(outcome.versionstamp, this.#cacheSize);
        for (const b of built) this.#settle(b.p, b.settle);
        return deferred;
      }
      if (outcome.kind === "too_large") {
        if (built.length === 1) {
          this.#settle(built[0]!.p, { ok: false, error: outcome.error });
          return deferred;
        }
        for (const b of built) b.p.solo = true;
        return [...built.map((b) => b.p), ...deferred];
      }
      if (outcome.kind === "failed") {
        for (const b of built) this.#settle(b.p, { ok: false, error: outcome.error });
        return deferred;
      }
      // Conflict or busy: drop what we knew about the keys we checked, back off, rebuild.
      state.forgetChecked();
      if (outcome.kind === "busy") {
        // Another process holds SQLite's write lock (Deno KV sets no busy timeout). Poll
        // quickly with jitter: the holder releases it between its commits for only a
        // moment, and an exponential backoff would let a busy writer starve us.
        const now = performance.now();
        const again: Pending[] = [];
        for (const b of built) {
          b.p.busySince ??= now;
          if (now - b.p.busySince > this.#busyTimeoutMs) {
            this.#settle(b.p, {
              ok: false,
              error: new AstridError(
                "STORE_CONFLICT",
                `the KV file stayed locked by another process for ${
                  Math.round(now - b.p.busySince)
                } ms`,
                { cause: outcome.error },
              ),
            });
          } else again.push(b.p);
        }
        await sleep(this.#random() * this.#busyPollMs);
        return [...again, ...deferred];
      }
      const again: Pending[] = [];
      let maxAttempt = 0;
      for (const b of built) {
        b.p.attempts++;
        b.p.busySince = undefined;
        maxAttempt = Math.max(maxAttempt, b.p.attempts);
        if (b.p.attempts >= this.#maxAttempts) {
          this.#settle(b.p, {
            ok: false,
            error: new AstridError(
              "STORE_CONFLICT",
              `KV commit still conflicting after ${b.p.attempts} attempts; another writer keeps changing the keys this job reads`,
            ),
          });
        } else again.push(b.p);
      }
      const cap = Math.min(this.#backoff.maxMs, this.#backoff.baseMs * 2 ** maxAttempt);
      await sleep(this.#random() * cap);
      return [...again, ...deferred];
    }
  }

  async #commit(state: BatchState, jobs: number): Promise<CommitOutcome> {
    const op = this.#kv.atomic();
    for (const s of state.checks()) op.check({ key: s.key, versionstamp: s.versionstamp });
    for (const w of state.writes.values()) {
      if (w.deleted) op.delete(w.key);
      else op.set(w.key, w.value, w.expireIn === undefined ? undefined : { expireIn: w.expireIn });
    }
    try {
      const res = await op.commit();
      if (res.ok) return { kind: "ok", versionstamp: res.versionstamp };
      this.stats.conflicts++;
      return { kind: "conflict" };
    } catch (error) {
      const msg = error instanceof Error ? error.message : String(error);
      if (/database is (locked|busy)/i.test(msg)) {
        this.stats.busy++;
        return { kind: "busy", error };
      }
      if (/too (large|many)/i.test(msg)) {
        return {
          kind: "too_large",
          error: new RangeError(`Deno KV refused a commit of ${jobs} job(s): ${msg}`, {
            cause: error,
          }),
        };
      }
      return {
        kind: "failed",
        error: new AstridError("STORE_FAILED", `Deno KV commit failed: ${msg}`, { cause: error }),
      };
    }
  }
}

type CommitOutcome =
  | { kind: "ok"; versionstamp: string }
  | { kind: "conflict" }
  | { kind: "busy"; error: unknown }
  | { kind: "too_large"; error: RangeError }
  | { kind: "failed"; error: AstridError };

/** Everything one attempt at a batch has read and written so far. */
class BatchState {
  /** Values fetched (or taken from the cache) in this attempt, by key id. */
  readonly base = new Map<string, Seen>();
  /** Keys whose base value an accepted job observed: each becomes a `check`. */
  readonly read = new Set<string>();
  /** Accepted writes, by key id (one mutation per key). */
  readonly writes = new Map<string, Write>();
  readonly finalizers = new Map<string, Finalizer>();
  #mutationBytes = 0;
  #keyBytes = 0;
  #checkBytes = 0;

  constructor(readonly kv: Deno.Kv, readonly cache: Map<string, Seen>) {}

  async prefetch(keys: readonly Deno.KvKey[]): Promise<void> {
    const missing = new Map<string, Deno.KvKey>();
    for (const k of keys) {
      const id = keyId(k);
      if (!this.base.has(id) && !this.#fromCache(id)) missing.set(id, k);
    }
    const list = [...missing.values()];
    const chunks: Promise<void>[] = [];
    for (let i = 0; i < list.length; i += 10) {
      chunks.push(
        this.kv.getMany(list.slice(i, i + 10)).then((res) => {
          for (const e of res) {
            this.base.set(keyId(e.key), {
              key: e.key,
              value: e.value,
              versionstamp: e.versionstamp,
            });
          }
        }),
      );
    }
    await Promise.all(chunks);
  }

  #fromCache(id: string): boolean {
    const c = this.cache.get(id);
    if (!c) return false;
    this.base.set(id, c);
    return true;
  }

  /** The committed value for a key (fetched once per attempt). */
  async fetch(id: string, key: Deno.KvKey): Promise<Seen> {
    let s = this.base.get(id);
    if (s || this.#fromCache(id)) return this.base.get(id)!;
    const e = await this.kv.get(key);
    s = this.base.get(id); // a concurrent read of the same key may have landed first
    if (s) return s;
    s = { key, value: e.value, versionstamp: e.versionstamp };
    this.base.set(id, s);
    return s;
  }

  /** Why `layer` does not fit in this batch, or `undefined` when it does. */
  overLimits(layer: Layer): string | undefined {
    let checks = this.read.size;
    let checkBytes = this.#checkBytes;
    for (const [id, key] of layer.reads) {
      if (!this.read.has(id)) {
        checks++;
        checkBytes += keyBytes(key);
      }
    }
    let mutations = this.writes.size;
    let keyTotal = this.#keyBytes;
    let bytes = this.#mutationBytes;
    for (const [id, w] of layer.writes) {
      const prev = this.writes.get(id);
      if (prev) bytes -= writeBytes(prev);
      else {
        mutations++;
        keyTotal += keyBytes(w.key);
      }
      bytes += writeBytes(w);
      if (!w.deleted) {
        // Only binary and string sizes are known exactly; for other values Deno KV decides.
        const v = typeof w.value === "string" || w.value instanceof Uint8Array
          ? valueBytes(w.value)
          : 0;
        if (v > KV_ATOMIC_LIMITS.valueBytes) {
          return `a value for ${
            fmtKey(w.key)
          } is about ${v} bytes; Deno KV allows ${KV_ATOMIC_LIMITS.valueBytes}`;
        }
      }
      const kb = keyBytes(w.key);
      if (kb > KV_ATOMIC_LIMITS.keyBytesEach) {
        return `key ${
          fmtKey(w.key)
        } is ${kb} bytes; Deno KV allows ${KV_ATOMIC_LIMITS.keyBytesEach}`;
      }
    }
    const L = KV_ATOMIC_LIMITS;
    if (checks > L.checks - HEADROOM.checks) {
      return `${checks} keys read (checks); one commit allows ${L.checks}`;
    }
    if (mutations > L.mutations - HEADROOM.mutations) {
      return `${mutations} keys written; one commit allows ${L.mutations - HEADROOM.mutations}`;
    }
    if (keyTotal > L.keyBytes - HEADROOM.keyBytes) {
      return `${keyTotal} bytes of written keys; one commit allows ${L.keyBytes}`;
    }
    if (bytes + checkBytes > L.mutationBytes - HEADROOM.mutationBytes) {
      return `about ${bytes + checkBytes} bytes of mutations; one commit allows ${L.mutationBytes}`;
    }
    return undefined;
  }

  accept(layer: Layer): void {
    for (const [id, key] of layer.reads) {
      if (!this.read.has(id)) {
        this.read.add(id);
        this.#checkBytes += keyBytes(key);
      }
    }
    for (const [id, w] of layer.writes) {
      const prev = this.writes.get(id);
      if (prev) this.#mutationBytes -= writeBytes(prev);
      else this.#keyBytes += keyBytes(w.key);
      this.#mutationBytes += writeBytes(w);
      this.writes.set(id, w);
    }
    for (const [name, fn] of layer.finalizers) {
      if (!this.finalizers.has(name)) this.finalizers.set(name, fn);
    }
  }

  /** Run the registered finalizers in order; report the first that throws. */
  async runFinalizers(): Promise<{ name: string; error: unknown } | undefined> {
    for (const [name, fn] of this.finalizers) {
      const layer = new Layer(this, false);
      try {
        await fn(layer.tx);
      } catch (error) {
        return { name, error };
      }
      layer.close();
      this.accept(layer);
    }
    return undefined;
  }

  *checks(): Iterable<Seen> {
    for (const id of this.read) yield this.base.get(id)!;
  }

  /** After a successful commit at `versionstamp`: cache the keys jobs read, as they now are. */
  remember(versionstamp: string, size: number): void {
    if (size <= 0) return;
    const put = (id: string, s: Seen) => {
      this.cache.delete(id);
      this.cache.set(id, s);
    };
    for (const id of this.read) {
      const w = this.writes.get(id);
      if (!w) put(id, this.base.get(id)!);
      else if (w.deleted) put(id, { key: w.key, value: null, versionstamp: null });
      else if (w.expireIn !== undefined) this.cache.delete(id);
      else put(id, { key: w.key, value: cloneValue(w.value), versionstamp });
    }
    // Blind writes to a cached key: keep the cache truthful rather than let it go stale.
    for (const [id, w] of this.writes) {
      if (this.read.has(id) || !this.cache.has(id)) continue;
      if (w.deleted) put(id, { key: w.key, value: null, versionstamp: null });
      else if (w.expireIn !== undefined) this.cache.delete(id);
      else put(id, { key: w.key, value: cloneValue(w.value), versionstamp });
    }
    while (this.cache.size > size) this.cache.delete(this.cache.keys().next().value!);
  }

  forgetChecked(): void {
    for (const id of this.read) this.cache.delete(id);
  }
}

/** One job's view: its own writes over the accepted batch over the committed values. */
class Layer {
  readonly reads = new Map<string, Deno.KvKey>();
  readonly writes = new Map<string, Write>();
  readonly finalizers = new Map<string, Finalizer>();
  #closed = false;
  readonly tx: BatchTx;

  constructor(readonly state: BatchState, allowFinalizers = true) {
    this.tx = {
      get: <T>(key: Deno.KvKey) => this.#get<T>(key),
      getMany: <T>(keys: readonly Deno.KvKey[]) => this.#getMany<T>(keys),
      set: (key, value, options) => {
        this.#open("set");
        if (value === undefined) {
          throw new TypeError(`Cannot set ${fmtKey(key)} to undefined; use delete()`);
        }
        this.writes.set(keyId(key), {
          key,
          value,
          deleted: false,
          expireIn: options?.expireIn,
        });
      },
      delete: (key) => {
        this.#open("delete");
        this.writes.set(keyId(key), { key, value: null, deleted: true });
      },
      beforeCommit: (name, fn) => {
        this.#open("beforeCommit");
        if (!allowFinalizers) {
          throw new TypeError(`beforeCommit("${name}") cannot be called from a beforeCommit hook`);
        }
        if (!this.finalizers.has(name)) this.finalizers.set(name, fn);
      },
    };
  }

  get finalizerNames(): string[] {
    return [...this.finalizers.keys()];
  }

  close(): void {
    this.#closed = true;
  }

  dropWrites(): void {
    this.writes.clear();
    this.finalizers.clear();
  }

  #open(what: string): void {
    if (this.#closed) {
      throw new TypeError(`BatchTx.${what}() called after the job's build() returned`);
    }
  }

  async #get<T>(key: Deno.KvKey): Promise<T | null> {
    this.#open("get");
    const id = keyId(key);
    const own = this.writes.get(id) ?? this.state.writes.get(id);
    if (own) return (own.deleted ? null : own.value) as T | null;
    const seen = await this.state.fetch(id, key);
    // A write by this job may have landed while the fetch was in flight.
    const mine = this.writes.get(id);
    if (mine) return (mine.deleted ? null : mine.value) as T | null;
    this.reads.set(id, key);
    return cloneValue(seen.value) as T | null;
  }

  async #getMany<T>(keys: readonly Deno.KvKey[]): Promise<(T | null)[]> {
    this.#open("getMany");
    const need = keys.filter((k) => {
      const id = keyId(k);
      return !this.writes.has(id) && !this.state.writes.has(id);
    });
    await this.state.prefetch(need);
    return Promise.all(keys.map((k) => this.#get<T>(k)));
  }
}

function cloneValue(v: unknown): unknown {
  return v === null || typeof v !== "object" ? v : structuredClone(v);
}

/** A string that identifies a KV key exactly (map key for the overlay). */
export function keyId(key: Deno.KvKey): string {
  let s = "";
  for (const p of key) {
    switch (typeof p) {
      case "string":
        s += `s${p.length}:${p}`;
        break;
      case "number":
        s += `n${Object.is(p, -0) ? "-0" : p};`;
        break;
      case "bigint":
        s += `b${p};`;
        break;
      case "boolean":
        s += p ? "T" : "F";
        break;
      default: {
        const u = p as Uint8Array;
        s += `u${u.length}:`;
        for (const b of u) s += String.fromCharCode(b);
      }
    }
  }
  return s;
}

/** Approximate encoded size of a key (Deno KV's tuple encoding), rounded up. */
function keyBytes(key: Deno.KvKey): number {
  let n = 0;
  for (const p of key) {
    switch (typeof p) {
      case "string":
        n += 2 + utf8Length(p);
        break;
      case "number":
        n += 9;
        break;
      case "bigint":
        n += 3 + Math.ceil(p.toString(16).length / 2);
        break;
      case "boolean":
        n += 1;
        break;
      default: {
        const u = p as Uint8Array;
        n += 2 + u.length;
        for (const b of u) if (b === 0) n++;
      }
    }
  }
  return n;
}

function writeBytes(w: Write): number {
  const k = keyBytes(w.key);
  return w.deleted ? k + 4 : 2 * k + valueBytes(w.value) + 16;
}

/** Approximate serialized size of a value (rounded up; exact for `Uint8Array`). */
function valueBytes(v: unknown, depth = 0): number {
  if (depth > 64) return 1 << 20;
  if (v === null || v === undefined) return 2;
  switch (typeof v) {
    case "string":
      // V8 stores Latin-1 strings one byte per char and others two.
      return /[\u0100-\uffff]/.test(v) ? 2 * v.length : v.length;
    case "number":
      return 10;
    case "bigint":
      return 16 + Math.ceil(v.toString(16).length / 2);
    case "boolean":
      return 2;
    case "object": {
      if (v instanceof Uint8Array) return v.byteLength;
      if (ArrayBuffer.isView(v)) return v.byteLength + 16;
      if (v instanceof Deno.KvU64) return 16;
      if (v instanceof Date) return 16;
      let n = 8;
      if (Array.isArray(v)) {
        for (const x of v) n += valueBytes(x, depth + 1);
        return n;
      }
      if (v instanceof Map) {
        for (const [a, b] of v) n += valueBytes(a, depth + 1) + valueBytes(b, depth + 1);
        return n;
      }
      if (v instanceof Set) {
        for (const a of v) n += valueBytes(a, depth + 1);
        return n;
      }
      for (const [k, x] of Object.entries(v)) n += 8 + k.length * 2 + valueBytes(x, depth + 1);
      return n;
    }
    default:
      return 64;
  }
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) n += 2; // escaped in the key encoding
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function fmtKey(key: Deno.KvKey): string {
  const s = JSON.stringify(
    key.map((p) =>
      typeof p === "bigint" ? `${p}n` : p instanceof Uint8Array ? `<${p.length} bytes>` : p
    ),
  );
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function positive(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`KvBatcher option ${name} must be a positive integer, got ${n}`);
  }
  return n;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
