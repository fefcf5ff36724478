/**
 * The imperative shell every HTTP adapter shares: POST the request, retry
 * while retrying is safe, read the event stream, hand it to the adapter's
 * decoder and deliver its events.
 *
 * Invariants:
 * - Retries (429, 5xx, 529, overload, a connection failure, a stream that
 *   breaks or reports overload before it produced any event but usage)
 *   happen only while no event has reached the caller: a caller never sees a
 *   stream restart. After that, a failure is the stream's last event. The
 *   rule looks at what the attempt produced, not at how the bytes happened
 *   to be split into reads, so it does not depend on network timing.
 * - Every error message passes one redaction point: the key never appears in
 *   an event, whatever the server or the network stack put in their text.
 * - Abort, or the caller leaving the loop, cancels the request or the body.
 *
 * @module
 */

import { type Clock, cryptoRandom, type Random } from "../core/mod.ts";
import { errorDetail, httpErrorEvent } from "./http_error_event.ts";
import { llmError, type LlmErrorEvent, type LlmEvent } from "./llm_event.ts";
import { oneLine, redactSecrets } from "./redact_secrets.ts";
import { parseRetryAfter, retryDelayMs, type RetryOptions, unitFromBytes } from "./retry_delay.ts";
import { type SseEvent, SseParser } from "./sse_parser.ts";
import type { StreamDecoder } from "./stream_decoder.ts";

/** The outside world of an HTTP provider, injectable for tests. */
export interface HttpDeps {
  readonly fetch: typeof fetch;
  /** Wait `ms`; rejects when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: Random;
  readonly clock: Clock;
}

/** One streaming call, as an adapter prepared it. */
export interface HttpStreamCall {
  /** Names the provider in messages. */
  readonly provider: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Values no message may contain: the key. */
  readonly secrets: readonly string[];
  /** Appended to an auth failure, e.g. which variable holds the key. */
  readonly authHint?: string;
  readonly newDecoder: () => StreamDecoder;
  readonly retry: RetryOptions;
}

/** Largest error body read, in bytes. */
const MAX_ERROR_BODY = 64 * 1024;

/** Stream one call's events; never throws (see `LlmProvider`). */
export async function* streamHttp(
  call: HttpStreamCall,
  signal: AbortSignal,
  deps: HttpDeps,
): AsyncGenerator<LlmEvent, void, undefined> {
  const clean = (e: LlmErrorEvent): LlmErrorEvent => ({
    ...e,
    message: oneLine(redactSecrets(e.message, call.secrets)),
  });
  const aborted = () => llmError("aborted", `${call.provider} call was cancelled`);
  let delivered = false;
  for (let attempt = 0;; attempt++) {
    if (signal.aborted) return yield aborted();
    let failure: LlmErrorEvent | undefined;
    let retryAfter: number | undefined;
    let response: Response | undefined;
    try {
      response = await deps.fetch(call.url, {
        method: "POST",
        headers: call.headers,
        body: call.body,
        signal,
        // A redirect would carry x-api-key to wherever it points: report it instead.
        redirect: "manual",
      });
    } catch (e) {
      if (signal.aborted) return yield aborted();
      failure = llmError(
        "network",
        `${call.provider}: cannot reach ${originOf(call.url)}: ${messageOf(e)}`,
        true,
      );
    }
    if (response !== undefined) {
      const type = response.headers.get("content-type") ?? "";
      if (!response.ok || /json/i.test(type)) {
        let text: string;
        try {
          text = await readBounded(response, MAX_ERROR_BODY);
        } catch (e) {
          if (signal.aborted) return yield aborted();
          text = `(body unreadable: ${messageOf(e)})`;
        }
        if (response.ok) {
          failure = llmError(
            "malformed_stream",
            `${call.provider} answered with ${type} instead of an event stream: ${
              errorDetail(text)
            }`,
          );
        } else {
          failure = httpErrorEvent(call.provider, response.status, text, call.authHint);
          retryAfter = parseRetryAfter(response.headers, deps.clock.now());
        }
      } else {
        // The body: decode, deliver, and stop early only to retry a stream
        // that failed before anything reached the caller.
        const decoder = call.newDecoder();
        const reader = response.body?.getReader();
        const text = new TextDecoder();
        const parser = new SseParser();
        const sse: SseEvent[] = [];
        const out: LlmEvent[] = [];
        try {
          while (!decoder.finished) {
            if (reader === undefined) {
              decoder.end(out);
            } else {
              let chunk: ReadableStreamReadResult<Uint8Array>;
              try {
                chunk = await reader.read();
              } catch (e) {
                if (signal.aborted) return yield aborted();
                chunk = { done: true, value: undefined };
                decoder.end(out, `reading the body failed: ${messageOf(e)}`);
              }
              if (chunk.done) {
                decoder.end(out);
              } else {
                try {
                  parser.push(text.decode(chunk.value, { stream: true }), sse);
                } catch (e) {
                  sse.length = 0;
                  out.push(llmError("malformed_stream", `${call.provider}: ${messageOf(e)}`));
                }
                for (const event of sse) {
                  decoder.push(event, out);
                  if (decoder.finished) break;
                }
                sse.length = 0;
              }
            }
            const last = out[out.length - 1];
            if (
              !delivered && last?.kind === "error" && last.retryable &&
              attempt < call.retry.maxRetries && out.every((e) => e.kind === "usage" || e === last)
            ) {
              // Nothing but usage came before the failure: a retry is invisible to
              // the caller (and the retry's usage replaces this one).
              failure = last;
              break;
            }
            for (const event of out) {
              if (signal.aborted) return yield aborted();
              if (event.kind === "error") return yield clean(event);
              delivered = true;
              yield event;
            }
            out.length = 0;
            if (last?.kind === "error") return; // a malformed_stream from the parser
          }
        } finally {
          await reader?.cancel().catch(() => {});
        }
        if (failure === undefined) return;
      }
    }
    if (failure === undefined) return; // unreachable: every path above sets it or returns
    if (!failure.retryable || attempt >= call.retry.maxRetries) {
      const tries = attempt > 0 ? ` (gave up after ${attempt + 1} attempts)` : "";
      return yield clean({ ...failure, message: failure.message + tries });
    }
    const wait = retryDelayMs(attempt, retryAfter, call.retry, unitFromBytes(deps.random.bytes(4)));
    try {
      await deps.sleep(wait, signal);
    } catch {
      return yield aborted();
    }
  }
}

/** `ms` of waiting that ends early, rejecting, when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

async function readBounded(response: Response, max: number): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return "";
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  try {
    while (bytes < max) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value.subarray(0, Math.max(0, value.byteLength - (bytes - max))), {
        stream: true,
      });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text + decoder.decode();
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "the configured URL";
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The real network, timers, randomness and clock. */
export const DEFAULT_HTTP_DEPS: HttpDeps = {
  fetch: (input, init) => fetch(input, init),
  sleep: abortableSleep,
  random: cryptoRandom,
  clock: { now: () => Date.now() },
};
