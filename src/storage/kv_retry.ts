/**
 * SQLite answers `database is locked` when another process holds the write
 * lock on a shared KV file. A direct (non-batched) write retries for a
 * bounded time with jitter instead of failing the caller.
 *
 * @module
 */

/** True for Deno KV's lock-contention errors. */
export function isKvBusy(e: unknown): boolean {
  return e instanceof Error && /database is (locked|busy)/i.test(e.message);
}

/** Run `fn`, retrying while the KV file is locked, for at most `maxMs`. */
export async function retryWhileBusy<T>(fn: () => Promise<T>, maxMs = 10_000): Promise<T> {
  const started = performance.now();
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isKvBusy(e) || performance.now() - started > maxMs) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 1 + attempt * 2)));
    }
  }
}
