import assert from "node:assert/strict";
import { collectStream } from "./collect_stream.ts";
import type { LlmEvent } from "./llm_event.ts";
import type { LlmRequest } from "./llm_request.ts";
import { ScriptedLlmProvider } from "./scripted_llm_provider.ts";

const REQUEST: LlmRequest = { model: "m", messages: [], tools: [], maxTokens: 1 };
const signal = () => new AbortController().signal;

Deno.test("ScriptedLlmProvider replays one script per call and records the requests", async () => {
  const p = new ScriptedLlmProvider([
    [
      { kind: "text_delta", text: "a" },
      { kind: "tool_call_start", id: "c", name: "t" },
      { kind: "tool_call_end", id: "c", arguments: { x: 1 } },
      { kind: "usage", inputTokens: 1, outputTokens: 2 },
      { kind: "stop", reason: "tool_use" },
    ],
    [{ kind: "stop", reason: "end_turn" }],
  ]);
  const first = await collectStream(p.stream(REQUEST, signal()));
  assert.deepEqual(first, {
    text: "a",
    toolCalls: [{ id: "c", name: "t", arguments: { x: 1 } }],
    usage: { inputTokens: 1, outputTokens: 2 },
    stop: "tool_use",
    error: undefined,
    events: 5,
  });
  assert.equal((await collectStream(p.stream(REQUEST, signal()))).stop, "end_turn");
  const third = await collectStream(p.stream(REQUEST, signal()));
  assert.equal(third.error?.message, "scripted provider has no script for call #3");
  assert.equal(p.requests.length, 3);
});

Deno.test("ScriptedLlmProvider stops at a terminal event and ends a hang with aborted on abort", async () => {
  const p = new ScriptedLlmProvider([
    [{ kind: "error", code: "overloaded", message: "x", retryable: true }, {
      kind: "text_delta",
      text: "no",
    }],
    [{ kind: "text_delta", text: "a" }, { kind: "hang" }, { kind: "text_delta", text: "never" }],
  ]);
  assert.equal((await collectStream(p.stream(REQUEST, signal()))).events, 1);
  const ctl = new AbortController();
  const got: LlmEvent[] = [];
  for await (const e of p.stream(REQUEST, ctl.signal)) {
    got.push(e);
    if (e.kind === "text_delta") queueMicrotask(() => ctl.abort());
  }
  assert.deepEqual(got, [
    { kind: "text_delta", text: "a" },
    { kind: "error", code: "aborted", message: "scripted call was cancelled", retryable: false },
  ]);
});

Deno.test("collectStream() reports a stream that ends without stop or error as interrupted", async () => {
  const r = await collectStream(
    new ScriptedLlmProvider([[{ kind: "text_delta", text: "half" }]]).stream(REQUEST, signal()),
  );
  assert.equal(r.text, "half");
  assert.equal(r.error?.code, "stream_interrupted");
});
