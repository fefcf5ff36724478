/**
 * A refused HTTP request as an `error` event: the status decides the code and
 * whether a retry may help; the body's own message (Anthropic
 * `{error: {type, message}}`, OpenAI `{error: {message, type, code}}`, Ollama
 * `{error: "..."}`, or plain text) explains it.
 *
 * @module
 */

import { llmError, type LlmErrorCode, type LlmErrorEvent } from "./llm_event.ts";

/** The code of an error reported with HTTP `status` and body `detail`. */
export function codeOfStatus(status: number, detail: string): LlmErrorCode {
  // A 4xx counts as overload only when the error's type says so, not when its
  // text merely mentions the word (it may quote the prompt).
  if (status === 529 || /^overloaded/i.test(detail)) return "overloaded";
  if ((status === 429 || status >= 500) && /overloaded/i.test(detail)) return "overloaded";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status >= 400 && status < 500) return "bad_request";
  return "provider_error";
}

/** True for the codes worth sending the same request again for. */
export function isRetryableCode(code: LlmErrorCode): boolean {
  return code === "overloaded" || code === "rate_limited" || code === "server_error";
}

/** The human part of an error body: `type: message`, or the text itself. */
export function errorDetail(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.trim();
  }
  const err = isObject(parsed) ? parsed["error"] : undefined;
  if (typeof err === "string") return err;
  if (isObject(err)) {
    const type = typeof err["type"] === "string" ? err["type"] : undefined;
    const message = typeof err["message"] === "string" ? err["message"] : undefined;
    if (type && message) return `${type}: ${message}`;
    if (message ?? type) return (message ?? type)!;
  }
  if (isObject(parsed) && typeof parsed["message"] === "string") return parsed["message"];
  return body.trim();
}

/**
 * The `error` event for a response with a non-2xx `status`. `hint` (for
 * example which variable holds the key) is appended to auth failures. The
 * message is not yet redacted: the caller's one redaction point does that.
 */
export function httpErrorEvent(
  provider: string,
  status: number,
  body: string,
  hint?: string,
): LlmErrorEvent {
  const detail = errorDetail(body);
  const code = codeOfStatus(status, detail);
  const tail = code === "auth" && hint ? `; ${hint}` : "";
  return llmError(
    code,
    `${provider} refused the request: HTTP ${status}${detail ? `: ${detail}` : ""}${tail}`,
    isRetryableCode(code),
  );
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
