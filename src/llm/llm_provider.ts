/**
 * The `LlmProvider` port: one method that streams a model's answer as typed
 * events. Adapters: Anthropic Messages, OpenAI-compatible chat completions
 * (OpenAI, Ollama, vLLM, LM Studio, llama.cpp, gateways, Zai). In-memory fake:
 * `ScriptedLlmProvider`.
 *
 * @module
 */

import type { LlmEvent } from "./llm_event.ts";
import type { LlmRequest } from "./llm_request.ts";

/**
 * A model behind a streaming API.
 *
 * `stream()` never throws and never rejects: every failure, including a
 * missing configuration, an HTTP error after the retries, a cut stream and an
 * abort, is an `error` event, and it is the last event. Retries happen only
 * before the first event is delivered. Aborting `signal` cancels the request
 * and ends the iteration promptly with an `aborted` error; leaving the loop
 * early (`break`) cancels the request too.
 *
 * @example A minimal consumer
 * ```ts ignore
 * let text = "";
 * for await (const event of provider.stream(request, signal)) {
 *   if (event.kind === "text_delta") text += event.text;
 *   if (event.kind === "error") throw new Error(event.message);
 * }
 * ```
 */
export interface LlmProvider {
  /** `anthropic`, `openai`, `zai`, `none`, `scripted`: for messages and the audit log. */
  readonly name: string;
  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmEvent>;
}
