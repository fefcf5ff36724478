/**
 * The Anthropic Messages API adapter (`POST {base}/v1/messages`, streaming).
 *
 * Our own SSE client rather than `@anthropic-ai/sdk`: see `streamHttp` and
 * the commit that added this file for the reasons.
 *
 * @module
 */

import { anthropicBody } from "./anthropic_body.ts";
import { AnthropicDecoder } from "./anthropic_decoder.ts";
import { checkRequest } from "./check_request.ts";
import type { LlmEvent } from "./llm_event.ts";
import type { LlmProvider } from "./llm_provider.ts";
import type { LlmRequest } from "./llm_request.ts";
import { DEFAULT_RETRY, type RetryOptions } from "./retry_delay.ts";
import { DEFAULT_HTTP_DEPS, type HttpDeps, streamHttp } from "./stream_http.ts";

/** Anthropic's API origin. */
export const ANTHROPIC_BASE_URL = "https://api.anthropic.com";
/** The API version this adapter speaks. */
export const ANTHROPIC_VERSION = "2023-06-01";

/** How to reach Anthropic. */
export interface AnthropicOptions {
  /** Sent as `x-api-key`; without one no key header is sent (a proxy may add it). */
  readonly apiKey?: string | undefined;
  /** Default {@link ANTHROPIC_BASE_URL}; `/v1/messages` is appended. */
  readonly baseUrl?: string | undefined;
  /** Appended to an auth failure, e.g. `check ANTHROPIC_API_KEY`. */
  readonly authHint?: string | undefined;
  readonly retry?: Partial<RetryOptions> | undefined;
  readonly deps?: Partial<HttpDeps> | undefined;
}

/** A provider for Anthropic's Messages API. */
export function createAnthropicProvider(options: AnthropicOptions = {}): LlmProvider {
  const url = `${(options.baseUrl ?? ANTHROPIC_BASE_URL).replace(/\/+$/, "")}/v1/messages`;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "accept": "text/event-stream",
    "anthropic-version": ANTHROPIC_VERSION,
  };
  if (options.apiKey) headers["x-api-key"] = options.apiKey;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const deps = { ...DEFAULT_HTTP_DEPS, ...options.deps };
  const secrets = options.apiKey ? [options.apiKey] : [];
  return {
    name: "anthropic",
    async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
      const bad = checkRequest("anthropic", request);
      if (bad) return yield bad;
      yield* streamHttp(
        {
          provider: "anthropic",
          url,
          headers,
          body: JSON.stringify(anthropicBody(request)),
          secrets,
          ...(options.authHint ? { authHint: options.authHint } : {}),
          newDecoder: () => new AnthropicDecoder(),
          retry,
        },
        signal,
        deps,
      );
    },
  };
}
