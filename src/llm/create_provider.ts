/**
 * The `[llm]` config section to a provider. Resolution is pure
 * ({@link resolveProviderSetup}); the adapters are imported on first use, so
 * a command that never calls a model never loads them.
 *
 * @module
 */

import { llmError, type LlmEvent } from "./llm_event.ts";
import type { LlmProvider } from "./llm_provider.ts";
import type { LlmRequest } from "./llm_request.ts";
import type { RetryOptions } from "./retry_delay.ts";
import type { HttpDeps } from "./stream_http.ts";

/** USD per million tokens of one model. */
export interface ModelPrice {
  readonly input_per_mtok: number;
  readonly output_per_mtok: number;
}

/** The `[llm]` section, as the config module resolves it (same snake_case keys). */
export interface LlmConfig {
  readonly provider: "none" | "anthropic" | "openai" | "zai";
  readonly model?: string | undefined;
  readonly base_url?: string | undefined;
  readonly api_key_env?: string | undefined;
  readonly api_key?: string | undefined;
  readonly max_tokens: number;
  readonly context_window: number;
  readonly prices: Readonly<Record<string, ModelPrice>>;
}

/** Test seams: the network, timers and randomness, and the retry schedule. */
export interface ProviderOptions {
  readonly retry?: Partial<RetryOptions> | undefined;
  readonly deps?: Partial<HttpDeps> | undefined;
}

/** The provider names that reach a model. */
export type ModelProviderName = Exclude<LlmConfig["provider"], "none">;

/** What `[llm]` resolves to: everything an adapter needs, or what is missing. */
export type ProviderSetup =
  | {
    readonly kind: "ready";
    readonly provider: ModelProviderName;
    readonly model: string;
    readonly apiKey: string | undefined;
    readonly baseUrl: string | undefined;
    /** Where the key came from, for an auth failure's message (never the key). */
    readonly authHint: string;
  }
  | { readonly kind: "unconfigured"; readonly message: string };

/** The variable each provider's key is read from unless `api_key_env` says otherwise. */
export const DEFAULT_KEY_ENV: Readonly<Record<ModelProviderName, string>> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  zai: "ZAI_API_KEY",
};

/**
 * Resolve `[llm]` against the environment. The key is `api_key`, else the
 * variable `api_key_env` names, else the provider's default variable. A key
 * is required for the provider's own endpoint; with a `base_url` (a local
 * server, a gateway) it is optional unless `api_key_env` names a variable.
 * A key is never sent over plain `http` except to a loopback address.
 */
export function resolveProviderSetup(
  config: LlmConfig,
  env: Readonly<Record<string, string | undefined>>,
): ProviderSetup {
  const unconfigured = (message: string): ProviderSetup => ({ kind: "unconfigured", message });
  if (config.provider === "none") {
    return unconfigured(
      'no LLM provider configured: set [llm] provider = "anthropic" (or "openai", "zai") and ' +
        'model = "<model name>", and export ANTHROPIC_API_KEY (or set [llm] api_key_env to the ' +
        "variable that holds the key)",
    );
  }
  const provider = config.provider;
  const model = config.model?.trim() ?? "";
  if (model === "") {
    return unconfigured(
      `no model configured for LLM provider "${provider}": set [llm] model = "<model name>"`,
    );
  }
  const envName = config.api_key_env ?? DEFAULT_KEY_ENV[provider];
  let apiKey: string | undefined;
  let authHint: string;
  if (config.api_key !== undefined && config.api_key.trim() !== "") {
    apiKey = config.api_key.trim();
    authHint = "check [llm] api_key";
  } else {
    apiKey = env[envName]?.trim() || undefined;
    authHint = `check the key in ${envName}`;
    if (apiKey === undefined && config.api_key_env !== undefined) {
      return unconfigured(
        `no API key for LLM provider "${provider}": the environment variable ${envName} ` +
          "named by [llm] api_key_env is not set or empty",
      );
    }
    if (apiKey === undefined && config.base_url === undefined) {
      return unconfigured(
        `no API key for LLM provider "${provider}": export ${envName} (or set [llm] api_key_env ` +
          "to the variable that holds the key)",
      );
    }
  }
  if (config.base_url !== undefined) {
    let url: URL;
    try {
      url = new URL(config.base_url);
    } catch {
      return unconfigured(`[llm] base_url ${JSON.stringify(config.base_url)} is not a URL`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return unconfigured(
        `[llm] base_url must use https or http, got ${JSON.stringify(url.protocol)}`,
      );
    }
    if (url.protocol === "http:" && apiKey !== undefined && !isLoopback(url.hostname)) {
      return unconfigured(
        `refusing to send the API key for "${provider}" over plain http to ${url.host}: ` +
          "use an https [llm] base_url, or a loopback address for a local server",
      );
    }
  }
  return { kind: "ready", provider, model, apiKey, baseUrl: config.base_url, authHint };
}

/**
 * The provider `[llm]` describes. It never fails here: with no provider, no
 * model or no key, its first `stream()` yields a `not_configured` error that
 * says exactly what to set. `env` is the process environment (a snapshot).
 */
export function createProvider(
  config: LlmConfig,
  env: Readonly<Record<string, string | undefined>>,
  options: ProviderOptions = {},
): LlmProvider {
  const setup = resolveProviderSetup(config, env);
  if (setup.kind === "unconfigured") {
    return {
      name: config.provider,
      async *stream(): AsyncGenerator<LlmEvent> {
        yield llmError("not_configured", setup.message);
      },
    };
  }
  let loaded: Promise<LlmProvider> | undefined;
  return {
    name: setup.provider,
    async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
      let provider: LlmProvider;
      try {
        provider = await (loaded ??= load(setup, options));
      } catch (e) {
        loaded = undefined;
        yield llmError(
          "provider_error",
          `cannot load the ${setup.provider} adapter: ${
            e instanceof Error ? e.message : String(e)
          }`,
        );
        return;
      }
      yield* provider.stream(request, signal);
    },
  };
}

async function load(
  setup: Extract<ProviderSetup, { kind: "ready" }>,
  options: ProviderOptions,
): Promise<LlmProvider> {
  const common = {
    apiKey: setup.apiKey,
    baseUrl: setup.baseUrl,
    authHint: setup.authHint,
    retry: options.retry,
    deps: options.deps,
  };
  switch (setup.provider) {
    case "anthropic":
      return (await import("./anthropic_provider.ts")).createAnthropicProvider(common);
    case "openai":
      return (await import("./openai_provider.ts")).createOpenAiProvider(common);
    case "zai":
      return (await import("./openai_provider.ts")).createZaiProvider(common);
    default: {
      const never: never = setup.provider;
      throw new TypeError(`Unknown LLM provider ${JSON.stringify(never)}`);
    }
  }
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
