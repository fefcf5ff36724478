/**
 * LLM providers: one streaming port, {@link LlmProvider}, with adapters for
 * Anthropic Messages and OpenAI-compatible chat completions (OpenAI, Ollama,
 * vLLM, LM Studio, llama.cpp, gateways, Zai), built from the `[llm]` config
 * by {@link createProvider}. The adapters load on first use.
 *
 * @example
 * ```ts ignore
 * const provider = createProvider(config.llm, env);
 * const request = {
 *   model: config.llm.model ?? "",
 *   messages: [{ role: "user", content: [{ kind: "text", text: "Hello" }] }],
 *   tools: [],
 *   maxTokens: config.llm.max_tokens,
 * } as const;
 * for await (const event of provider.stream(request, signal)) {
 *   if (event.kind === "text_delta") write(event.text);
 * }
 * ```
 *
 * @module
 */

export type { LlmProvider } from "./llm_provider.ts";
export type {
  LlmMessage,
  LlmRequest,
  LlmTextPart,
  LlmToolCallPart,
  LlmToolResultPart,
  LlmToolSpec,
} from "./llm_request.ts";
export {
  isTerminal,
  llmError,
  type LlmErrorCode,
  type LlmErrorEvent,
  type LlmEvent,
  type LlmUsage,
  type StopReason,
} from "./llm_event.ts";
export {
  createProvider,
  DEFAULT_KEY_ENV,
  type LlmConfig,
  type ModelPrice,
  type ModelProviderName,
  type ProviderOptions,
  type ProviderSetup,
  resolveProviderSetup,
} from "./create_provider.ts";
export { costOfUsage, type CostResult } from "./cost_of_usage.ts";
export { renderToolResult, UNTRUSTED_NOTICE, UNTRUSTED_TAG } from "./render_tool_result.ts";
export { ScriptedLlmProvider, type ScriptStep } from "./scripted_llm_provider.ts";
export {
  type CollectedResponse,
  type CollectedToolCall,
  type CollectOptions,
  collectStream,
} from "./collect_stream.ts";
export { DEFAULT_RETRY, type RetryOptions } from "./retry_delay.ts";
export type { HttpDeps } from "./stream_http.ts";
