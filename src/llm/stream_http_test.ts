import assert from "node:assert/strict";
import { FakeClock, SeededRandom } from "../core/mod.ts";
import { AnthropicDecoder } from "./anthropic_decoder.ts";
import type { LlmEvent } from "./llm_event.ts";
import { DEFAULT_RETRY } from "./retry_delay.ts";
import { abortableSleep, type HttpDeps, type HttpStreamCall, streamHttp } from "./stream_http.ts";

const call: HttpStreamCall = {
  provider: "anthropic",
  url: "https://api.example/v1/messages",
  headers: {},
  body: "{}",
  secrets: ["sk-secret-value-1234567890"],
  newDecoder: () => new AnthropicDecoder(),
  retry: DEFAULT_RETRY,
};

function deps(responses: (() => Response)[], waits: number[], clock = new FakeClock()): HttpDeps {
  let i = 0;
  return {
    fetch: () => Promise.resolve(responses[Math.min(i++, responses.length - 1)]!()),
    sleep: (ms) => (waits.push(ms), Promise.resolve()),
    random: new SeededRandom(3),
    clock,
  };
}

async function run(d: HttpDeps, signal = new AbortController().signal): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const e of streamHttp(call, signal, d)) out.push(e);
  return out;
}

const OK_STREAM =
  'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":1}}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';
const ok = () => new Response(OK_STREAM, { headers: { "content-type": "text/event-stream" } });

Deno.test("streamHttp() waits until an HTTP-date retry-after, measured on the injected clock", async () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 0));
  const waits: number[] = [];
  const busy = () =>
    new Response("{}", {
      status: 429,
      headers: { "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" },
    });
  const got = await run(deps([busy, ok], waits, clock));
  assert.deepEqual(waits, [7000]);
  assert.equal(got.at(-1)?.kind, "stop");
});

Deno.test("streamHttp() caps a retry-after that asks for too long", async () => {
  const waits: number[] = [];
  const busy = () => new Response("{}", { status: 503, headers: { "retry-after": "86400" } });
  await run(deps([busy, ok], waits));
  assert.deepEqual(waits, [DEFAULT_RETRY.maxRetryAfterMs]);
});

Deno.test("streamHttp() bounds and flattens a huge or hostile error body", async () => {
  const waits: number[] = [];
  const huge = () =>
    new Response(`\u001b]0;pwned\u0007${"A".repeat(200_000)}`, {
      status: 400,
      headers: { "content-type": "text/plain" },
    });
  const got = await run(deps([huge], waits));
  assert.equal(got.length, 1);
  const e = got[0]!;
  assert.ok(e.kind === "error");
  assert.ok(e.message.length <= 501, `message has ${e.message.length} characters`);
  assert.ok([...e.message].every((c) => c.charCodeAt(0) >= 0x20), "no control characters");
  assert.ok(e.message.endsWith("…"));
});

Deno.test("streamHttp() retries a stream that reports overload before any content", async () => {
  const waits: number[] = [];
  const overloaded = () =>
    new Response(
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":9}}}\n\n' +
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      { headers: { "content-type": "text/event-stream" } },
    );
  const got = await run(deps([overloaded, ok], waits));
  assert.equal(waits.length, 1);
  assert.deepEqual(got, [{ kind: "usage", inputTokens: 1, outputTokens: 0 }, {
    kind: "stop",
    reason: "other",
  }]);
});

Deno.test("streamHttp() refuses an event stream line past the size limit", async () => {
  const endless = () =>
    new Response(
      ReadableStream.from((function* () {
        for (let i = 0; i < 2000; i++) yield new TextEncoder().encode("x".repeat(16_384));
      })()),
      { headers: { "content-type": "text/event-stream" } },
    );
  const got = await run(deps([endless], []));
  assert.equal(got.length, 1);
  assert.equal(got[0]!.kind === "error" && got[0]!.code, "malformed_stream");
});

Deno.test("abortableSleep() resolves after the time and rejects at once on abort", async () => {
  await abortableSleep(1, new AbortController().signal);
  const ctl = new AbortController();
  const p = abortableSleep(60_000, ctl.signal);
  ctl.abort(new Error("stop"));
  await assert.rejects(p, /stop/);
  const done = new AbortController();
  done.abort();
  await assert.rejects(abortableSleep(1, done.signal));
});
