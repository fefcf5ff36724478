import assert from "node:assert/strict";
import { AnthropicDecoder } from "./anthropic_decoder.ts";
import type { LlmEvent } from "./llm_event.ts";

type Wire = [string, unknown];

function decode(wire: readonly Wire[], opts: { end?: boolean; broken?: string } = {}): LlmEvent[] {
  const d = new AnthropicDecoder();
  const out: LlmEvent[] = [];
  for (const [event, data] of wire) {
    d.push({ event, data: typeof data === "string" ? data : JSON.stringify(data) }, out);
  }
  if (opts.end !== false) d.end(out, opts.broken);
  return out;
}

const start = (usage: Record<string, number> = { input_tokens: 10, output_tokens: 1 }): Wire => [
  "message_start",
  {
    type: "message_start",
    message: { id: "m", type: "message", role: "assistant", content: [], usage },
  },
];
const blockStart = (index: number, block: unknown): Wire => [
  "content_block_start",
  { type: "content_block_start", index, content_block: block },
];
const delta = (index: number, d: unknown): Wire => [
  "content_block_delta",
  { type: "content_block_delta", index, delta: d },
];
const blockStop = (
  index: number,
): Wire => ["content_block_stop", { type: "content_block_stop", index }];
const messageDelta = (stop: string, output: number): Wire => [
  "message_delta",
  {
    type: "message_delta",
    delta: { stop_reason: stop, stop_sequence: null },
    usage: { output_tokens: output },
  },
];
const stop: Wire = ["message_stop", { type: "message_stop" }];

Deno.test("AnthropicDecoder turns text and tool_use blocks into events", () => {
  assert.deepEqual(
    decode([
      start(),
      ["ping", { type: "ping" }],
      blockStart(0, { type: "text", text: "" }),
      delta(0, { type: "text_delta", text: "Hi" }),
      blockStop(0),
      blockStart(1, { type: "tool_use", id: "toolu_1", name: "bash", input: {} }),
      delta(1, { type: "input_json_delta", partial_json: "" }),
      delta(1, { type: "input_json_delta", partial_json: '{"cmd":' }),
      delta(1, { type: "input_json_delta", partial_json: ' "ls"}' }),
      blockStop(1),
      messageDelta("tool_use", 42),
      stop,
    ]),
    [
      { kind: "text_delta", text: "Hi" },
      { kind: "tool_call_start", id: "toolu_1", name: "bash" },
      { kind: "tool_call_delta", id: "toolu_1", argumentsDelta: '{"cmd":' },
      { kind: "tool_call_delta", id: "toolu_1", argumentsDelta: ' "ls"}' },
      { kind: "tool_call_end", id: "toolu_1", arguments: { cmd: "ls" } },
      { kind: "usage", inputTokens: 10, outputTokens: 42 },
      { kind: "stop", reason: "tool_use" },
    ],
  );
});

Deno.test("AnthropicDecoder gives a tool call with no argument text empty arguments", () => {
  const out = decode([
    start(),
    blockStart(0, { type: "tool_use", id: "t", name: "now", input: {} }),
    blockStop(0),
    messageDelta("tool_use", 3),
    stop,
  ]);
  assert.deepEqual(out[1], { kind: "tool_call_end", id: "t", arguments: {} });
});

Deno.test("AnthropicDecoder uses a tool_use input sent whole in content_block_start when no deltas follow", () => {
  const out = decode([
    start(),
    blockStart(0, { type: "tool_use", id: "t", name: "x", input: { a: 1 } }),
    blockStop(0),
    blockStart(1, { type: "tool_use", id: "u", name: "y", input: { stale: true } }),
    delta(1, { type: "input_json_delta", partial_json: '{"b": 2}' }),
    blockStop(1),
    messageDelta("tool_use", 3),
    stop,
  ]);
  assert.deepEqual(out.filter((e) => e.kind === "tool_call_end"), [
    { kind: "tool_call_end", id: "t", arguments: { a: 1 } },
    { kind: "tool_call_end", id: "u", arguments: { b: 2 } },
  ]);
});

Deno.test("AnthropicDecoder skips thinking blocks, unknown events and unknown deltas", () => {
  assert.deepEqual(
    decode([
      start(),
      blockStart(0, { type: "thinking", thinking: "" }),
      delta(0, { type: "thinking_delta", thinking: "hmm" }),
      delta(0, { type: "signature_delta", signature: "sig" }),
      blockStop(0),
      ["future_event", { type: "future_event", x: 1 }],
      blockStart(1, { type: "text", text: "" }),
      delta(1, { type: "citations_delta", citation: {} }),
      delta(1, { type: "text_delta", text: "ok" }),
      blockStop(1),
      messageDelta("end_turn", 5),
      stop,
    ]),
    [
      { kind: "text_delta", text: "ok" },
      { kind: "usage", inputTokens: 10, outputTokens: 5 },
      { kind: "stop", reason: "end_turn" },
    ],
  );
});

Deno.test("AnthropicDecoder counts cached input tokens as input", () => {
  const out = decode([
    start({
      input_tokens: 5,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 1000,
      output_tokens: 1,
    }),
    messageDelta("end_turn", 7),
    stop,
  ]);
  assert.deepEqual(out[0], { kind: "usage", inputTokens: 1105, outputTokens: 7 });
});

Deno.test("AnthropicDecoder maps stop reasons, unknown ones to other", async (t) => {
  for (
    const [wire, ours] of [
      ["end_turn", "end_turn"],
      ["max_tokens", "max_tokens"],
      ["stop_sequence", "stop_sequence"],
      ["tool_use", "tool_use"],
      ["refusal", "other"],
      ["pause_turn", "other"],
    ]
  ) {
    await t.step(wire!, () => {
      assert.deepEqual(decode([start(), messageDelta(wire!, 1), stop]).at(-1), {
        kind: "stop",
        reason: ours,
      });
    });
  }
});

Deno.test("AnthropicDecoder reports a body that ends before message_stop as stream_interrupted, with usage", () => {
  const out = decode([
    start(),
    blockStart(0, { type: "tool_use", id: "t", name: "x", input: {} }),
    delta(0, { type: "input_json_delta", partial_json: '{"a"' }),
  ]);
  assert.deepEqual(out.slice(-2), [
    { kind: "usage", inputTokens: 10, outputTokens: 1 },
    {
      kind: "error",
      code: "stream_interrupted",
      message: "anthropic stream ended before message_stop, with 1 tool call(s) incomplete",
      retryable: true,
    },
  ]);
  const after = decode([start(), messageDelta("end_turn", 3)], {
    broken: "reading the body failed: reset",
  });
  assert.match(
    (after.at(-1) as { message: string }).message,
    /before message_stop \(reading the body failed: reset\)/,
  );
});

Deno.test("AnthropicDecoder reports an empty body as stream_interrupted without usage", () => {
  assert.deepEqual(decode([]).map((e) => e.kind), ["error"]);
});

Deno.test("AnthropicDecoder maps error events to codes", async (t) => {
  for (
    const [type, code, retryable] of [
      ["overloaded_error", "overloaded", true],
      ["rate_limit_error", "rate_limited", true],
      ["api_error", "server_error", true],
      ["invalid_request_error", "provider_error", false],
    ] as const
  ) {
    await t.step(type, () => {
      const out = decode([start(), ["error", { type: "error", error: { type, message: "m" } }]]);
      assert.deepEqual(out.at(-1), {
        kind: "error",
        code,
        message: `anthropic reported an error in the stream: ${type}: m`,
        retryable,
      });
      assert.equal(
        out.filter((e) => e.kind === "error").length,
        1,
        "end() adds nothing after the error",
      );
    });
  }
});

Deno.test("AnthropicDecoder refuses malformed input without throwing", async (t) => {
  const cases: [string, Wire[], string, RegExp][] = [
    [
      "data that is not JSON",
      [start(), ["content_block_delta", "{not json"]],
      "malformed_stream",
      /not a JSON object/,
    ],
    [
      "data that is a JSON array",
      [["message_start", "[1]"]],
      "malformed_stream",
      /not a JSON object/,
    ],
    [
      "a delta for a block never started",
      [start(), delta(3, { type: "text_delta", text: "x" })],
      "malformed_stream",
      /delta for unknown block/,
    ],
    [
      "a stop for a block never started",
      [start(), blockStop(9)],
      "malformed_stream",
      /stop of unknown block/,
    ],
    [
      "a tool_use block without an id",
      [start(), blockStart(0, { type: "tool_use", name: "x" })],
      "malformed_stream",
      /without an id/,
    ],
    [
      "arguments that are not JSON",
      [
        start(),
        blockStart(0, { type: "tool_use", id: "t", name: "x", input: {} }),
        delta(0, { type: "input_json_delta", partial_json: '{"a": tru' }),
        blockStop(0),
      ],
      "malformed_tool_arguments",
      /tool call "t" \(x\) are not valid JSON/,
    ],
    [
      "arguments that are a JSON array",
      [
        start(),
        blockStart(0, { type: "tool_use", id: "t", name: "x", input: {} }),
        delta(0, { type: "input_json_delta", partial_json: "[1, 2]" }),
        blockStop(0),
      ],
      "malformed_tool_arguments",
      /must be a JSON object, got "\[1, 2\]"/,
    ],
  ];
  for (const [name, wire, code, message] of cases) {
    await t.step(name, () => {
      const out = decode(wire);
      const last = out.at(-1)!;
      assert.ok(last.kind === "error");
      assert.equal(last.code, code);
      assert.match(last.message, message);
      assert.equal(out.filter((e) => e.kind === "error").length, 1);
    });
  }
});

Deno.test("AnthropicDecoder ignores everything after message_stop", () => {
  const out = decode([
    start(),
    messageDelta("end_turn", 1),
    stop,
    blockStart(0, { type: "text" }),
    stop,
  ]);
  assert.deepEqual(out.map((e) => e.kind), ["usage", "stop"]);
});
