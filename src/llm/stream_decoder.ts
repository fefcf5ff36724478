/**
 * The pure half of a provider adapter: a state machine that turns the
 * server-sent events of one response into {@link LlmEvent}s. The HTTP shell
 * (`streamHttp`) feeds it and stops once it is `finished`.
 *
 * @module
 */

import type { LlmEvent } from "./llm_event.ts";
import { llmError } from "./llm_event.ts";
import type { SseEvent } from "./sse_parser.ts";

/** Turns one response's SSE events into model events. */
export interface StreamDecoder {
  /** Decode one event, appending what it produced to `out`. */
  push(event: SseEvent, out: LlmEvent[]): void;
  /**
   * The body ended (`broken` unset) or failed to read (`broken` says how).
   * Appends the closing events: nothing if the stream already finished,
   * otherwise what is known of the usage and a `stream_interrupted` error (or,
   * for formats with an optional terminator, the normal end).
   */
  end(out: LlmEvent[], broken?: string): void;
  /** True once `stop` or `error` was produced: the rest of the body is not read. */
  readonly finished: boolean;
}

/**
 * Parse a tool call's accumulated argument text: empty means `{}`; anything
 * but a JSON object is a `malformed_tool_arguments` error naming the call.
 */
export function parseToolArguments(
  id: string,
  name: string,
  json: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; event: LlmEvent } {
  if (json.trim() === "") return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    return {
      ok: false,
      event: llmError(
        "malformed_tool_arguments",
        `arguments of tool call "${id}" (${name}) are not valid JSON (${
          e instanceof Error ? e.message : String(e)
        }); received ${json.length} characters: ${preview(json)}`,
      ),
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      event: llmError(
        "malformed_tool_arguments",
        `arguments of tool call "${id}" (${name}) must be a JSON object, got ${preview(json)}`,
      ),
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** A short quoted excerpt of `text` for an error message. */
export function preview(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? text.slice(0, max) + "…" : text);
}

/** `JSON.parse` that returns `undefined` for anything but a JSON object. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? v as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

/** `x[key]` when `x` is an object, else `undefined`. */
export function field(x: unknown, key: string): unknown {
  return typeof x === "object" && x !== null ? (x as Record<string, unknown>)[key] : undefined;
}

/** A non-negative whole number of tokens, or `undefined`. */
export function tokens(x: unknown): number | undefined {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0 ? x : undefined;
}
