/**
 * Rate limiting of failed connection attempts: one token bucket per remote
 * address. Each failure takes a token; tokens come back at a fixed rate up to
 * the bucket's size. An address with an empty bucket is refused before its
 * credentials are even looked at. Pure over an injected clock.
 *
 * @module
 */

import type { Clock } from "../../core/mod.ts";

/** How many failures an address may make in a burst, and how fast it earns them back. */
export interface BucketLimits {
  readonly burst: number;
  /** Milliseconds per regained attempt. */
  readonly refillMs: number;
}

/** Default: 10 failures in a burst, one more per second after that. */
export const DEFAULT_BUCKET_LIMITS: BucketLimits = { burst: 10, refillMs: 1000 };

interface Bucket {
  tokens: number;
  at: number;
  /** Refusals while empty since the bucket last ran dry (audited once per episode). */
  refused: number;
}

/** Failure buckets keyed by remote address. */
export class FailureLimiter {
  readonly #limits: BucketLimits;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();

  constructor(clock: Clock, limits: BucketLimits = DEFAULT_BUCKET_LIMITS) {
    if (!(limits.burst >= 1) || !(limits.refillMs > 0)) {
      throw new RangeError(
        `Rate limits need burst >= 1 and refillMs > 0, got ${JSON.stringify(limits)}`,
      );
    }
    this.#limits = limits;
    this.#clock = clock;
  }

  /**
   * Whether `key` may try now. When it may not: how long until it may, and
   * whether this is the first refusal of the episode (worth one audit entry).
   */
  check(key: string): { ok: true } | { ok: false; retryAfterMs: number; first: boolean } {
    const b = this.#refill(key);
    if (b === undefined || b.tokens >= 1) return { ok: true };
    b.refused++;
    return {
      ok: false,
      retryAfterMs: Math.ceil((1 - b.tokens) * this.#limits.refillMs),
      first: b.refused === 1,
    };
  }

  /** Count one failed attempt by `key`. */
  fail(key: string): void {
    const b = this.#refill(key) ??
      { tokens: this.#limits.burst, at: this.#clock.now(), refused: 0 };
    b.tokens = Math.max(0, b.tokens - 1);
    if (b.tokens >= 1) b.refused = 0;
    this.#buckets.set(key, b);
    if (this.#buckets.size > 10_000) this.#prune();
  }

  #refill(key: string): Bucket | undefined {
    const b = this.#buckets.get(key);
    if (b === undefined) return undefined;
    const now = this.#clock.now();
    const gained = Math.max(0, now - b.at) / this.#limits.refillMs;
    b.tokens = Math.min(this.#limits.burst, b.tokens + gained);
    b.at = now;
    if (b.tokens >= 1) b.refused = 0;
    return b;
  }

  /** Forget full buckets (they behave exactly like absent ones). */
  #prune(): void {
    for (const key of [...this.#buckets.keys()]) {
      const b = this.#refill(key);
      if (b !== undefined && b.tokens >= this.#limits.burst) this.#buckets.delete(key);
    }
  }
}
