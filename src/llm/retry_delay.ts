/**
 * When to send a failed model call again: exponential backoff with jitter,
 * or the server's `retry-after`, capped. Pure: randomness and time are inputs.
 *
 * @module
 */

/** How a provider retries. */
export interface RetryOptions {
  /** Retries after the first attempt (so `maxRetries + 1` requests at most). */
  readonly maxRetries: number;
  /** Backoff before the first retry, before jitter. Doubles on every retry. */
  readonly baseDelayMs: number;
  /** Largest backoff, before jitter. */
  readonly maxDelayMs: number;
  /** Largest wait honoured from `retry-after`: a longer request is shortened to this. */
  readonly maxRetryAfterMs: number;
}

/** Four requests at most, 0.5 s, 1 s, 2 s apart (each halved at random), `retry-after` up to 60 s. */
export const DEFAULT_RETRY: RetryOptions = {
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/**
 * The wait before retry number `attempt + 1` (`attempt` counts from 0), in ms.
 *
 * With a `retry-after` the server asked for, that wait (capped at
 * `maxRetryAfterMs`); otherwise "equal jitter": half of the exponential step
 * fixed, half random, so clients that failed together do not retry together.
 * `random01` is a number in [0, 1).
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: RetryOptions,
  random01: number,
): number {
  if (retryAfterMs !== undefined) {
    return Math.min(Math.max(0, retryAfterMs), options.maxRetryAfterMs);
  }
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + (step / 2) * random01);
}

/**
 * The wait a response asks for, in ms, or `undefined`: `retry-after-ms`
 * (milliseconds, sent by OpenAI and Anthropic), else `retry-after` as
 * delta-seconds or an HTTP date (RFC 9110, 10.2.3). A date in the past is 0;
 * anything unparsable is ignored.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null },
  nowMs: number,
): number | undefined {
  const ms = headers.get("retry-after-ms")?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // An HTTP date names its weekday: this keeps Date.parse from guessing at other text.
  if (!/^[A-Za-z]{3},? /.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** A number in [0, 1) from the first four bytes of `bytes`. */
export function unitFromBytes(bytes: Uint8Array): number {
  const b0 = bytes[0] ?? 0, b1 = bytes[1] ?? 0, b2 = bytes[2] ?? 0, b3 = bytes[3] ?? 0;
  return ((b0 << 24 | b1 << 16 | b2 << 8 | b3) >>> 0) / 2 ** 32;
}
