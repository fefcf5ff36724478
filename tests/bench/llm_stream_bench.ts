/**
 * Streaming overhead of our provider layer, side by side with reading the
 * same stream directly (`fetch` + a minimal line splitter + `JSON.parse` of
 * each `data:` line, the least any client must do).
 *
 * Each response carries EVENTS text deltas, so the time per iteration divided
 * by EVENTS is the cost per event; the target is that our layer adds
 * at most 1 ms per event over the direct read.
 *
 * Groups:
 * - `loopback-*`: a real HTTP request to the fake server per iteration.
 * - `memory-*`: the same bytes from an in-memory Response (no socket), which
 *   isolates the parsing and decoding cost of our layer.
 * - `first-event-*`: time from the request to the first text delta.
 *
 *   deno bench --allow-all tests/bench/llm_stream_bench.ts
 */

import { SeededRandom } from "../../src/core/mod.ts";
import { createProvider, type LlmConfig, type LlmRequest } from "../../src/llm/mod.ts";
import { type FakeReply, startFakeLlmServer } from "../llm/fake_llm_server.ts";

const EVENTS = 1000;
const ITERATIONS_MAX = 100_000;

const turn: FakeReply = {
  kind: "turn",
  text: Array.from({ length: EVENTS }, (_, i) => `token ${i} `),
  usage: { input: 100, output: EVENTS },
};
// One reply per request; the same object, so the script costs no memory per entry.
const server = startFakeLlmServer(Array.from({ length: ITERATIONS_MAX }, () => turn));

const REQUEST: LlmRequest = {
  model: "bench-model",
  messages: [{ role: "user", content: [{ kind: "text", text: "Count." }] }],
  tools: [],
  maxTokens: 4096,
};

type Format = "anthropic" | "openai";

function config(format: Format): LlmConfig {
  return {
    provider: format,
    model: "bench-model",
    base_url: format === "anthropic" ? server.url : `${server.url}/v1`,
    api_key: "sk-bench-key-0000000000",
    max_tokens: 4096,
    context_window: 200_000,
    prices: {},
  };
}

const url = (format: Format) =>
  format === "anthropic" ? `${server.url}/v1/messages` : `${server.url}/v1/chat/completions`;

const wireBody = (format: Format) =>
  JSON.stringify(
    format === "anthropic"
      ? { model: "bench-model", max_tokens: 4096, stream: true, messages: [] }
      : {
        model: "bench-model",
        stream: true,
        stream_options: { include_usage: true },
        messages: [],
      },
  );

/** The direct read: fetch, split lines, JSON.parse every data line, count text deltas. */
async function directRead(response: Response, stopAtFirst = false): Promise<number> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let rest = "";
  let count = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return count;
      const lines = (rest + decoder.decode(value, { stream: true })).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
        const data = JSON.parse(line.slice(6));
        if (data.delta?.type === "text_delta" || data.choices?.[0]?.delta?.content) {
          count++;
          if (stopAtFirst) return count;
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

async function viaProvider(
  provider: ReturnType<typeof createProvider>,
  stopAtFirst = false,
): Promise<number> {
  let count = 0;
  for await (const e of provider.stream(REQUEST, new AbortController().signal)) {
    if (e.kind === "text_delta") {
      count++;
      if (stopAtFirst) break;
    }
    if (e.kind === "error") throw new Error(e.message);
  }
  return count;
}

function check(n: number): void {
  if (n !== EVENTS) throw new Error(`expected ${EVENTS} text deltas, got ${n}`);
}

for (const format of ["anthropic", "openai"] as const) {
  const provider = createProvider(config(format), {});
  const post = () =>
    fetch(url(format), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: wireBody(format),
    });

  Deno.bench(`direct fetch + line splitter (${format}, ${EVENTS} events)`, {
    group: `loopback-${format}`,
    baseline: true,
  }, async () => {
    check(await directRead(await post()));
  });
  Deno.bench(`LlmProvider.stream (${format}, ${EVENTS} events)`, {
    group: `loopback-${format}`,
  }, async () => {
    check(await viaProvider(provider));
  });

  // The same bytes, from memory: no socket, only parsing and decoding.
  const bytes = new Uint8Array(await (await post()).arrayBuffer());
  const PIECE = 16 * 1024;
  const inMemory = () => {
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += PIECE) pieces.push(bytes.subarray(i, i + PIECE));
    return new Response(ReadableStream.from(pieces), {
      headers: { "content-type": "text/event-stream" },
    });
  };
  const memoryProvider = createProvider(config(format), {}, {
    deps: { fetch: () => Promise.resolve(inMemory()), random: new SeededRandom(1) },
  });
  Deno.bench(`direct line splitter (${format}, ${EVENTS} events, in memory)`, {
    group: `memory-${format}`,
    baseline: true,
  }, async () => {
    check(await directRead(inMemory()));
  });
  Deno.bench(`LlmProvider.stream (${format}, ${EVENTS} events, in memory)`, {
    group: `memory-${format}`,
  }, async () => {
    check(await viaProvider(memoryProvider));
  });

  Deno.bench(`direct: request to first text delta (${format})`, {
    group: `first-event-${format}`,
    baseline: true,
  }, async () => {
    await directRead(await post(), true);
  });
  Deno.bench(`LlmProvider: request to first text delta (${format})`, {
    group: `first-event-${format}`,
  }, async () => {
    await viaProvider(provider, true);
  });
}

globalThis.addEventListener("unload", () => {
  server.close();
});
