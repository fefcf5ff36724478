/**
 * What a provider's stream yields: one discriminated union with a `kind` tag.
 *
 * Contract of every stream (see {@link LlmProvider}):
 * - `tool_call_start`, zero or more `tool_call_delta`, then `tool_call_end`
 *   for each call, under the call's `id`.
 * - A complete stream ends with `usage` (when the server reported it) and then
 *   `stop`. A failed stream ends with `error` (preceded by `usage` when tokens
 *   were already counted, so the budget is still charged). Nothing follows
 *   `stop` or `error`.
 *
 * @module
 */

/** Why the model stopped. */
export type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "other";

/** Stable codes of an `error` event. */
export type LlmErrorCode =
  /** No provider, model or key configured; the message says what to set. */
  | "not_configured"
  /** The server refused the request as malformed (HTTP 400, 413, 422, ...). */
  | "bad_request"
  /** The key was refused (HTTP 401, 403). */
  | "auth"
  /** Unknown model or endpoint (HTTP 404). */
  | "not_found"
  /** HTTP 429. */
  | "rate_limited"
  /** HTTP 529 or an "overloaded" error. */
  | "overloaded"
  /** HTTP 5xx. */
  | "server_error"
  /** The connection could not be made or failed before the response started. */
  | "network"
  /** The response body ended or broke before the stream's terminal event. */
  | "stream_interrupted"
  /** The server sent something that is not the expected wire format. */
  | "malformed_stream"
  /** A tool call's arguments are not a JSON object. */
  | "malformed_tool_arguments"
  /** The caller's `AbortSignal` fired. */
  | "aborted"
  /** Any other error the provider reported. */
  | "provider_error";

/** One event of a model stream. */
export type LlmEvent =
  | { readonly kind: "text_delta"; readonly text: string }
  | { readonly kind: "tool_call_start"; readonly id: string; readonly name: string }
  | { readonly kind: "tool_call_delta"; readonly id: string; readonly argumentsDelta: string }
  | {
    readonly kind: "tool_call_end";
    readonly id: string;
    readonly arguments: Readonly<Record<string, unknown>>;
  }
  | { readonly kind: "usage"; readonly inputTokens: number; readonly outputTokens: number }
  | { readonly kind: "stop"; readonly reason: StopReason }
  | {
    readonly kind: "error";
    readonly code: LlmErrorCode;
    readonly message: string;
    /** True when the same request may succeed if sent again later. */
    readonly retryable: boolean;
  };

/** An `error` event. */
export type LlmErrorEvent = Extract<LlmEvent, { kind: "error" }>;

/** Token counts of one call. */
export interface LlmUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Build an `error` event. */
export function llmError(code: LlmErrorCode, message: string, retryable = false): LlmErrorEvent {
  return { kind: "error", code, message, retryable };
}

/** True for the events after which a stream yields nothing more. */
export function isTerminal(event: LlmEvent): boolean {
  switch (event.kind) {
    case "stop":
    case "error":
      return true;
    case "text_delta":
    case "tool_call_start":
    case "tool_call_delta":
    case "tool_call_end":
    case "usage":
      return false;
    default:
      return unreachable(event);
  }
}

/** Exhaustiveness check for switches over the unions of this concern. */
export function unreachable(x: never): never {
  throw new TypeError(`Unexpected value ${JSON.stringify(x)}: a case is missing in a switch`);
}
