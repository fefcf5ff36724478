import assert from "node:assert/strict";
import type { LlmEvent } from "./llm_event.ts";
import { OpenAiDecoder } from "./openai_decoder.ts";

function decode(chunks: readonly unknown[], opts: { broken?: string } = {}): LlmEvent[] {
  const d = new OpenAiDecoder("openai");
  const out: LlmEvent[] = [];
  for (const c of chunks) {
    d.push({ event: "message", data: typeof c === "string" ? c : JSON.stringify(c) }, out);
  }
  d.end(out, opts.broken);
  return out;
}

const chunk = (delta: unknown, finish: string | null = null) => ({
  id: "c",
  object: "chat.completion.chunk",
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usage = (p: number, c: number) => ({
  id: "c",
  choices: [],
  usage: { prompt_tokens: p, completion_tokens: c },
});
const tc = (index: number | undefined, fields: { id?: string; name?: string; args?: string }) => ({
  tool_calls: [{
    ...(index === undefined ? {} : { index }),
    ...(fields.id ? { id: fields.id, type: "function" } : {}),
    function: {
      ...(fields.name ? { name: fields.name } : {}),
      ...(fields.args !== undefined ? { arguments: fields.args } : {}),
    },
  }],
});

Deno.test("OpenAiDecoder turns content and tool call fragments into events", () => {
  assert.deepEqual(
    decode([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hi" }),
      chunk(tc(0, { id: "call_1", name: "bash", args: "" })),
      chunk(tc(0, { args: '{"cmd"' })),
      chunk(tc(0, { args: ': "ls"}' })),
      chunk({}, "tool_calls"),
      usage(11, 4),
      "[DONE]",
    ]),
    [
      { kind: "text_delta", text: "Hi" },
      { kind: "tool_call_start", id: "call_1", name: "bash" },
      { kind: "tool_call_delta", id: "call_1", argumentsDelta: '{"cmd"' },
      { kind: "tool_call_delta", id: "call_1", argumentsDelta: ': "ls"}' },
      { kind: "tool_call_end", id: "call_1", arguments: { cmd: "ls" } },
      { kind: "usage", inputTokens: 11, outputTokens: 4 },
      { kind: "stop", reason: "tool_use" },
    ],
  );
});

Deno.test("OpenAiDecoder keeps interleaved parallel calls apart by index and ends them in index order", () => {
  const out = decode([
    chunk(tc(1, { id: "b", name: "two", args: "" })),
    chunk(tc(0, { id: "a", name: "one", args: '{"x"' })),
    chunk(tc(1, { args: '{"y": 2}' })),
    chunk(tc(0, { args: ": 1}" })),
    chunk({}, "tool_calls"),
    "[DONE]",
  ]);
  assert.deepEqual(out.filter((e) => e.kind === "tool_call_end"), [
    { kind: "tool_call_end", id: "a", arguments: { x: 1 } },
    { kind: "tool_call_end", id: "b", arguments: { y: 2 } },
  ]);
});

Deno.test("OpenAiDecoder accepts a whole call in one fragment, with its arguments before the name is known", () => {
  const out = decode([
    chunk(tc(0, { id: "c0", args: '{"q":' })),
    chunk(tc(0, { name: "search", args: ' "x"}' })),
    chunk({}, "tool_calls"),
    "[DONE]",
  ]);
  assert.deepEqual(out.slice(0, 3), [
    { kind: "tool_call_start", id: "c0", name: "search" },
    { kind: "tool_call_delta", id: "c0", argumentsDelta: '{"q": "x"}' },
    { kind: "tool_call_end", id: "c0", arguments: { q: "x" } },
  ]);
});

Deno.test("OpenAiDecoder makes up ids for calls without one and splits calls that reuse index 0", () => {
  const out = decode([
    chunk({
      tool_calls: [{ function: { name: "a", arguments: "{}" } }, {
        function: { name: "b", arguments: "{}" },
      }],
    }),
    chunk(tc(0, { id: "x1", name: "c", args: "{}" })),
    chunk(tc(0, { id: "x2", name: "d", args: '{"k": 1}' })),
    chunk({}, "tool_calls"),
    "[DONE]",
  ]);
  const ends = out.filter((e) => e.kind === "tool_call_start").map((e) =>
    e.kind === "tool_call_start" && [e.id, e.name]
  );
  assert.deepEqual(ends, [["call_0", "a"], ["call_1", "b"], ["x1", "c"], ["x2", "d"]]);
  assert.equal(out.filter((e) => e.kind === "tool_call_end").length, 4);
});

Deno.test("OpenAiDecoder maps finish reasons", async (t) => {
  for (
    const [finish, reason, withCall] of [
      ["stop", "end_turn", false],
      ["stop", "tool_use", true],
      ["length", "max_tokens", false],
      ["tool_calls", "tool_use", true],
      ["content_filter", "other", false],
    ] as const
  ) {
    await t.step(`${finish}${withCall ? " after a tool call" : ""}`, () => {
      const calls = withCall ? [chunk(tc(0, { id: "i", name: "n", args: "{}" }))] : [];
      assert.deepEqual(decode([...calls, chunk({}, finish), "[DONE]"]).at(-1), {
        kind: "stop",
        reason,
      });
    });
  }
});

Deno.test("OpenAiDecoder ends normally after finish_reason without [DONE], and reports a cut before it", () => {
  assert.deepEqual(decode([chunk({ content: "a" }, "stop")]).map((e) => e.kind), [
    "text_delta",
    "stop",
  ]);
  assert.deepEqual(decode([chunk({ content: "a" }, "stop"), usage(1, 2)]).slice(1), [
    { kind: "usage", inputTokens: 1, outputTokens: 2 },
    { kind: "stop", reason: "end_turn" },
  ]);
  const cut = decode([chunk({ content: "a" }), chunk(tc(0, { id: "i", name: "n", args: "{" }))]);
  assert.deepEqual(cut.at(-1), {
    kind: "error",
    code: "stream_interrupted",
    message: "openai stream ended before finish_reason and [DONE], with 1 tool call(s) incomplete",
    retryable: true,
  });
  const broken = decode([chunk({ content: "a" }, "stop")], {
    broken: "reading the body failed: reset",
  });
  assert.equal(broken.at(-1)!.kind, "error", "a read failure is a cut even after finish_reason");
});

Deno.test("OpenAiDecoder treats [DONE] without finish_reason as stop other", () => {
  assert.deepEqual(decode([chunk({ content: "a" }), "[DONE]"]).at(-1), {
    kind: "stop",
    reason: "other",
  });
});

Deno.test("OpenAiDecoder reports error chunks with a code", async (t) => {
  for (
    const [error, code, retryable] of [
      [{ message: "Overloaded", type: "server_error" }, "overloaded", true],
      [{ message: "slow down", type: "rate_limit_exceeded" }, "rate_limited", true],
      [{ message: "boom", type: "internal_error" }, "server_error", true],
      [{ message: "nope", type: "invalid_request_error" }, "provider_error", false],
      ["plain string", "provider_error", false],
    ] as const
  ) {
    await t.step(JSON.stringify(error), () => {
      const out = decode([chunk({ content: "a" }), { error }]);
      const last = out.at(-1)!;
      assert.ok(last.kind === "error");
      assert.equal(last.code, code);
      assert.equal(last.retryable, retryable);
      assert.equal(out.filter((e) => e.kind === "error").length, 1);
    });
  }
});

Deno.test("OpenAiDecoder refuses malformed input without throwing", async (t) => {
  const cases: [string, unknown[], string][] = [
    ["a chunk that is not JSON", ["{oops"], "malformed_stream"],
    ["a chunk that is a JSON string", ['"hi"'], "malformed_stream"],
    ["a call that never gets a name", [
      chunk(tc(0, { id: "i", args: "{}" })),
      chunk({}, "tool_calls"),
    ], "malformed_stream"],
    [
      "arguments that are not JSON",
      [chunk(tc(0, { id: "i", name: "n", args: "{nope" })), chunk({}, "tool_calls")],
      "malformed_tool_arguments",
    ],
    [
      "arguments that are a number",
      [chunk(tc(0, { id: "i", name: "n", args: "42" })), chunk({}, "tool_calls")],
      "malformed_tool_arguments",
    ],
  ];
  for (const [name, chunks, code] of cases) {
    await t.step(name, () => {
      const out = decode(chunks);
      const last = out.at(-1)!;
      assert.ok(last.kind === "error", JSON.stringify(out));
      assert.equal(last.code, code);
      assert.equal(out.filter((e) => e.kind === "error").length, 1);
    });
  }
});

Deno.test("OpenAiDecoder ignores choices other than the first and chunks without choices", () => {
  const out = decode([
    { id: "c", choices: [{ index: 1, delta: { content: "other" }, finish_reason: null }] },
    { id: "c" },
    chunk({ content: "mine", reasoning_content: "thinking" }, "stop"),
    "[DONE]",
  ]);
  assert.deepEqual(out, [{ kind: "text_delta", text: "mine" }, {
    kind: "stop",
    reason: "end_turn",
  }]);
});
