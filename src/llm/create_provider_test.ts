import assert from "node:assert/strict";
import { collectStream } from "./collect_stream.ts";
import { createProvider, type LlmConfig, resolveProviderSetup } from "./create_provider.ts";
import type { LlmEvent } from "./llm_event.ts";
import type { LlmRequest } from "./llm_request.ts";

const KEY = "sk-live-THIS-IS-A-SECRET-123456";

const base: LlmConfig = {
  provider: "anthropic",
  model: "claude-x",
  max_tokens: 1000,
  context_window: 200_000,
  prices: {},
};

const REQUEST: LlmRequest = {
  model: "m",
  messages: [{ role: "user", content: [{ kind: "text", text: "hi" }] }],
  tools: [],
  maxTokens: 10,
};

function message(config: LlmConfig, env: Record<string, string> = {}): string {
  const setup = resolveProviderSetup(config, env);
  assert.equal(setup.kind, "unconfigured", JSON.stringify(setup));
  return setup.kind === "unconfigured" ? setup.message : "";
}

Deno.test("resolveProviderSetup() says exactly what to set when nothing is configured", () => {
  assert.equal(
    message({ ...base, provider: "none" }),
    'no LLM provider configured: set [llm] provider = "anthropic" (or "openai", "zai") and ' +
      'model = "<model name>", and export ANTHROPIC_API_KEY (or set [llm] api_key_env to the ' +
      "variable that holds the key)",
  );
});

Deno.test("resolveProviderSetup() names what is missing", async (t) => {
  const cases: [string, LlmConfig, Record<string, string>, string][] = [
    [
      "no model",
      { ...base, model: undefined },
      { ANTHROPIC_API_KEY: KEY },
      'no model configured for LLM provider "anthropic": set [llm] model = "<model name>"',
    ],
    [
      "no key in the default variable",
      base,
      {},
      'no API key for LLM provider "anthropic": export ANTHROPIC_API_KEY (or set [llm] api_key_env to the variable that holds the key)',
    ],
    [
      "an empty key in the default variable",
      { ...base, provider: "openai" },
      { OPENAI_API_KEY: "  " },
      'no API key for LLM provider "openai": export OPENAI_API_KEY (or set [llm] api_key_env to the variable that holds the key)',
    ],
    [
      "zai reads ZAI_API_KEY",
      { ...base, provider: "zai" },
      {},
      'no API key for LLM provider "zai": export ZAI_API_KEY (or set [llm] api_key_env to the variable that holds the key)',
    ],
    [
      "the variable api_key_env names is unset, even with a base_url",
      { ...base, api_key_env: "MY_KEY", base_url: "https://gw.example" },
      { ANTHROPIC_API_KEY: KEY },
      'no API key for LLM provider "anthropic": the environment variable MY_KEY named by [llm] api_key_env is not set or empty',
    ],
    [
      "a key over plain http to another host",
      { ...base, provider: "openai", base_url: "http://gpu.lan:8000/v1" },
      { OPENAI_API_KEY: KEY },
      'refusing to send the API key for "openai" over plain http to gpu.lan:8000: use an https [llm] base_url, or a loopback address for a local server',
    ],
    [
      "a base_url that is not http",
      { ...base, base_url: "file:///etc/passwd" },
      { ANTHROPIC_API_KEY: KEY },
      '[llm] base_url must use https or http, got "file:"',
    ],
  ];
  for (const [name, config, env, expected] of cases) {
    await t.step(name, () => {
      const m = message(config, env);
      assert.equal(m, expected);
      assert.ok(!m.includes(KEY), "the key is never in a message");
    });
  }
});

Deno.test("resolveProviderSetup() takes api_key first, then the named variable, trimmed", () => {
  const fromConfig = resolveProviderSetup({ ...base, api_key: ` ${KEY}\n` }, {
    ANTHROPIC_API_KEY: "other",
  });
  assert.ok(fromConfig.kind === "ready");
  assert.equal(fromConfig.apiKey, KEY);
  assert.equal(fromConfig.authHint, "check [llm] api_key");
  const fromEnv = resolveProviderSetup({ ...base, api_key_env: "K" }, { K: `${KEY}\n` });
  assert.ok(fromEnv.kind === "ready");
  assert.equal(fromEnv.apiKey, KEY);
  assert.equal(fromEnv.authHint, "check the key in K");
});

Deno.test("resolveProviderSetup() lets a local server go without a key, and http on loopback carry one", async (t) => {
  for (
    const url of ["http://localhost:11434/v1", "http://127.0.0.1:8080/v1", "http://[::1]:1234/v1"]
  ) {
    await t.step(url, () => {
      const open = resolveProviderSetup({ ...base, provider: "openai", base_url: url }, {});
      assert.ok(open.kind === "ready");
      assert.equal(open.apiKey, undefined);
      const keyed = resolveProviderSetup({ ...base, provider: "openai", base_url: url }, {
        OPENAI_API_KEY: KEY,
      });
      assert.ok(keyed.kind === "ready");
      assert.equal(keyed.apiKey, KEY);
    });
  }
  const lan = resolveProviderSetup({
    ...base,
    provider: "openai",
    base_url: "http://192.168.1.5:11434/v1",
  }, {});
  assert.ok(lan.kind === "ready", "no key, so plain http to the LAN is allowed");
});

Deno.test("createProvider() with nothing configured fails on first use with the message", async () => {
  const p = createProvider({ ...base, provider: "none" }, {});
  assert.equal(p.name, "none");
  const r = await collectStream(p.stream(REQUEST, new AbortController().signal));
  assert.equal(r.error?.code, "not_configured");
  assert.match(r.error?.message ?? "", /^no LLM provider configured: set \[llm\] provider/);
  assert.equal(r.events, 1);
});

/** A fetch that records where it was sent and answers a minimal OpenAI/Anthropic stream. */
function recordingFetch() {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    const body = String(input).endsWith("/v1/messages")
      ? 'event: message_stop\ndata: {"type":"message_stop"}\n\n'
      : 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
    return Promise.resolve(
      new Response(body, { headers: { "content-type": "text/event-stream" } }),
    );
  };
  return { calls, fetch };
}

Deno.test("createProvider() uses each provider's default endpoint and limit field", async (t) => {
  const cases: [LlmConfig["provider"], string, Record<string, string>, string][] = [
    [
      "anthropic",
      "https://api.anthropic.com/v1/messages",
      { ANTHROPIC_API_KEY: KEY },
      "max_tokens",
    ],
    [
      "openai",
      "https://api.openai.com/v1/chat/completions",
      { OPENAI_API_KEY: KEY },
      "max_completion_tokens",
    ],
    ["zai", "https://api.z.ai/api/paas/v4/chat/completions", { ZAI_API_KEY: KEY }, "max_tokens"],
  ];
  for (const [provider, url, env, field] of cases) {
    await t.step(provider, async () => {
      const { calls, fetch } = recordingFetch();
      const p = createProvider({ ...base, provider }, env, { deps: { fetch } });
      assert.equal(p.name, provider);
      const events: LlmEvent[] = [];
      for await (const e of p.stream(REQUEST, new AbortController().signal)) events.push(e);
      assert.equal(events.at(-1)?.kind, "stop", JSON.stringify(events));
      assert.equal(calls[0]!.url, url);
      const body = JSON.parse(String(calls[0]!.init.body));
      assert.equal(body[field], 10);
    });
  }
});

Deno.test("createProvider() keeps the key out of an error thrown by the network layer", async () => {
  const fetch = () => Promise.reject(new TypeError(`invalid header value "Bearer ${KEY}\\n"`));
  const p = createProvider({ ...base, provider: "openai" }, { OPENAI_API_KEY: KEY }, {
    deps: { fetch, sleep: () => Promise.resolve() },
  });
  const r = await collectStream(p.stream(REQUEST, new AbortController().signal));
  assert.equal(r.error?.code, "network");
  assert.ok(!r.error?.message.includes(KEY.slice(0, 12)), r.error?.message);
  assert.match(r.error?.message ?? "", /\[redacted\]/);
});
