/**
 * The OpenAI-compatible chat completions adapter (`POST {base}/chat/completions`,
 * streaming): OpenAI itself, and through `baseUrl` Ollama, vLLM, LM Studio,
 * llama.cpp's server, gateways, and Zai (GLM), which is this adapter with
 * other defaults.
 *
 * @module
 */

import { checkRequest } from "./check_request.ts";
import type { LlmEvent } from "./llm_event.ts";
import type { LlmProvider } from "./llm_provider.ts";
import type { LlmRequest } from "./llm_request.ts";
import { type MaxTokensField, openAiBody } from "./openai_body.ts";
import { OpenAiDecoder } from "./openai_decoder.ts";
import { DEFAULT_RETRY, type RetryOptions } from "./retry_delay.ts";
import { DEFAULT_HTTP_DEPS, type HttpDeps, streamHttp } from "./stream_http.ts";

/** OpenAI's API base. */
export const OPENAI_BASE_URL = "https://api.openai.com/v1";
/** Zai's OpenAI-compatible API base. */
export const ZAI_BASE_URL = "https://api.z.ai/api/paas/v4";

/** How to reach an OpenAI-compatible server. */
export interface OpenAiOptions {
  /** Names the provider in messages and events' sources. Default `openai`. */
  readonly name?: string | undefined;
  /** Sent as `Authorization: Bearer`; local servers usually need none. */
  readonly apiKey?: string | undefined;
  /** Default {@link OPENAI_BASE_URL}; `/chat/completions` is appended. */
  readonly baseUrl?: string | undefined;
  /**
   * Default `max_completion_tokens` for OpenAI's own API, `max_tokens` for any
   * other base URL (what compatible servers understand).
   */
  readonly maxTokensField?: MaxTokensField | undefined;
  readonly authHint?: string | undefined;
  readonly retry?: Partial<RetryOptions> | undefined;
  readonly deps?: Partial<HttpDeps> | undefined;
}

/** A provider for an OpenAI-compatible chat completions endpoint. */
export function createOpenAiProvider(options: OpenAiOptions = {}): LlmProvider {
  const name = options.name ?? "openai";
  const base = (options.baseUrl ?? OPENAI_BASE_URL).replace(/\/+$/, "");
  const url = `${base}/chat/completions`;
  const maxTokensField = options.maxTokensField ??
    (base === OPENAI_BASE_URL ? "max_completion_tokens" : "max_tokens");
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "accept": "text/event-stream",
  };
  if (options.apiKey) headers["authorization"] = `Bearer ${options.apiKey}`;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const deps = { ...DEFAULT_HTTP_DEPS, ...options.deps };
  const secrets = options.apiKey ? [options.apiKey] : [];
  return {
    name,
    async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
      const bad = checkRequest(name, request);
      if (bad) return yield bad;
      yield* streamHttp(
        {
          provider: name,
          url,
          headers,
          body: JSON.stringify(openAiBody(request, maxTokensField)),
          secrets,
          ...(options.authHint ? { authHint: options.authHint } : {}),
          newDecoder: () => new OpenAiDecoder(name),
          retry,
        },
        signal,
        deps,
      );
    },
  };
}

/** Zai (GLM) through its OpenAI-compatible endpoint. */
export function createZaiProvider(options: OpenAiOptions = {}): LlmProvider {
  return createOpenAiProvider({
    ...options,
    name: options.name ?? "zai",
    baseUrl: options.baseUrl ?? ZAI_BASE_URL,
    maxTokensField: options.maxTokensField ?? "max_tokens",
  });
}
