import assert from "node:assert/strict";
import type { LlmRequest } from "./llm_request.ts";
import { openAiBody } from "./openai_body.ts";

const base: LlmRequest = { model: "gpt-x", messages: [], tools: [], maxTokens: 100 };

Deno.test("openAiBody() asks for a stream with usage and names the limit field as told", () => {
  assert.deepEqual(openAiBody(base), {
    model: "gpt-x",
    messages: [],
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: 100,
  });
  const body = openAiBody({ ...base, temperature: 0.2 }, "max_completion_tokens");
  assert.equal(body["max_completion_tokens"], 100);
  assert.equal(body["max_tokens"], undefined);
  assert.equal(body["temperature"], 0.2);
});

Deno.test("openAiBody() maps tools to functions with parameters", () => {
  const schema = { type: "object", properties: {} };
  assert.deepEqual(
    openAiBody({ ...base, tools: [{ name: "t", description: "d", inputSchema: schema }] })["tools"],
    [
      { type: "function", function: { name: "t", description: "d", parameters: schema } },
    ],
  );
});

Deno.test("openAiBody() sends the system prompt first, tool calls with JSON arguments and one tool message per result", () => {
  const body = openAiBody({
    ...base,
    system: "sys",
    messages: [
      { role: "user", content: [{ kind: "text", text: "a" }, { kind: "text", text: "b" }] },
      {
        role: "assistant",
        content: [
          { kind: "tool_call", id: "c1", name: "f", arguments: { x: 1 } },
          { kind: "tool_call", id: "c2", name: "g", arguments: {} },
        ],
      },
      {
        role: "tool",
        content: [
          { kind: "tool_result", callId: "c1", toolName: "f", source: "tool:f", content: "one" },
          { kind: "tool_result", callId: "c2", toolName: "g", source: "mcp:s:g", content: "two" },
        ],
      },
      { role: "assistant", content: [{ kind: "text", text: "done" }] },
    ],
  });
  const messages = body["messages"] as Record<string, unknown>[];
  assert.deepEqual(messages.slice(0, 3), [
    { role: "system", content: "sys" },
    { role: "user", content: "ab" },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "c1", type: "function", function: { name: "f", arguments: '{"x":1}' } },
        { id: "c2", type: "function", function: { name: "g", arguments: "{}" } },
      ],
    },
  ]);
  assert.equal(messages[3]!["role"], "tool");
  assert.equal(messages[3]!["tool_call_id"], "c1");
  assert.match(String(messages[4]!["content"]), /source="mcp:s:g"/);
  assert.deepEqual(messages[5], { role: "assistant", content: "done" });
});
