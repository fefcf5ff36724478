import assert from "node:assert/strict";
import { anthropicBody } from "./anthropic_body.ts";
import type { LlmRequest } from "./llm_request.ts";

const base: LlmRequest = { model: "claude-x", messages: [], tools: [], maxTokens: 100 };

Deno.test("anthropicBody() sends model, max_tokens and stream, and leaves out what is unset", () => {
  assert.deepEqual(anthropicBody(base), {
    model: "claude-x",
    max_tokens: 100,
    stream: true,
    messages: [],
  });
  const full = anthropicBody({ ...base, system: "sys", temperature: 0 });
  assert.equal(full["system"], "sys");
  assert.equal(full["temperature"], 0);
});

Deno.test("anthropicBody() maps tools to name, description and input_schema", () => {
  const schema = { type: "object", properties: { p: { type: "string" } } };
  const body = anthropicBody({
    ...base,
    tools: [{ name: "t", description: "d", inputSchema: schema }],
  });
  assert.deepEqual(body["tools"], [{ name: "t", description: "d", input_schema: schema }]);
});

Deno.test("anthropicBody() sends tool calls as tool_use and results as wrapped tool_result blocks first in a user turn", () => {
  const body = anthropicBody({
    ...base,
    messages: [
      { role: "user", content: [{ kind: "text", text: "go" }] },
      {
        role: "assistant",
        content: [
          { kind: "text", text: "" },
          { kind: "text", text: "calling" },
          { kind: "tool_call", id: "t1", name: "read_file", arguments: { path: "/a" } },
        ],
      },
      {
        role: "tool",
        content: [{
          kind: "tool_result",
          callId: "t1",
          toolName: "read_file",
          source: "tool:read_file",
          content: "data",
          isError: true,
        }],
      },
      { role: "user", content: [{ kind: "text", text: "and then?" }] },
    ],
  });
  const messages = body["messages"] as { role: string; content: Record<string, unknown>[] }[];
  assert.deepEqual(messages.map((m) => m.role), ["user", "assistant", "user"]);
  assert.deepEqual(messages[1]!.content, [
    { type: "text", text: "calling" },
    { type: "tool_use", id: "t1", name: "read_file", input: { path: "/a" } },
  ]);
  const [result, text] = messages[2]!.content;
  assert.equal(result!["type"], "tool_result");
  assert.equal(result!["tool_use_id"], "t1");
  assert.equal(result!["is_error"], true);
  assert.match(
    String(result!["content"]),
    /^<untrusted_data call_id="t1" tool="read_file" source="tool:read_file" status="error">/,
  );
  assert.deepEqual(text, { type: "text", text: "and then?" });
});

Deno.test("anthropicBody() puts tool results before text when a user turn precedes the tool turn", () => {
  const body = anthropicBody({
    ...base,
    messages: [
      { role: "user", content: [{ kind: "text", text: "note" }] },
      {
        role: "tool",
        content: [{
          kind: "tool_result",
          callId: "t",
          toolName: "x",
          source: "tool:x",
          content: "r",
        }],
      },
    ],
  });
  const messages = body["messages"] as { content: { type: string }[] }[];
  assert.equal(messages.length, 1);
  assert.deepEqual(messages[0]!.content.map((b) => b.type), ["tool_result", "text"]);
});

Deno.test("anthropicBody() drops empty text parts and turns left empty", () => {
  const body = anthropicBody({
    ...base,
    messages: [
      { role: "user", content: [{ kind: "text", text: "" }] },
      { role: "user", content: [{ kind: "text", text: "hi" }] },
    ],
  });
  assert.deepEqual(body["messages"], [{ role: "user", content: [{ type: "text", text: "hi" }] }]);
});
