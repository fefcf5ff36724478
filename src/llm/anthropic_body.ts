/**
 * An {@link LlmRequest} as an Anthropic Messages request body.
 *
 * Tool results go back in a user turn as `tool_result` blocks (first in the
 * turn, as the API requires), their text wrapped as untrusted data; a tool
 * turn followed by a user turn becomes one user message. Empty text parts are
 * dropped: the API refuses empty text blocks.
 *
 * @module
 */

import { unreachable } from "./llm_event.ts";
import type { LlmMessage, LlmRequest } from "./llm_request.ts";
import { renderToolResult } from "./render_tool_result.ts";

type Block = Record<string, unknown>;

/** The JSON body of a streaming Messages request. */
export function anthropicBody(request: LlmRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxTokens,
    stream: true,
    messages: anthropicMessages(request.messages),
  };
  if (request.system !== undefined && request.system !== "") body["system"] = request.system;
  if (request.temperature !== undefined) body["temperature"] = request.temperature;
  if (request.tools.length > 0) {
    body["tools"] = request.tools.map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: t.inputSchema,
    }));
  }
  return body;
}

function anthropicMessages(messages: readonly LlmMessage[]): Block[] {
  const out: { role: "user" | "assistant"; content: Block[] }[] = [];
  for (const m of messages) {
    const role = m.role === "assistant" ? "assistant" : "user";
    const blocks = blocksOf(m);
    if (blocks.length === 0) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.role === role) {
      // tool_result blocks must come first in a user turn.
      if (m.role === "tool") last.content.unshift(...blocks);
      else last.content.push(...blocks);
    } else {
      out.push({ role, content: blocks });
    }
  }
  return out;
}

function blocksOf(m: LlmMessage): Block[] {
  switch (m.role) {
    case "user":
      return m.content.filter((p) => p.text !== "").map((p) => ({ type: "text", text: p.text }));
    case "assistant":
      return m.content.flatMap((p): Block[] => {
        switch (p.kind) {
          case "text":
            return p.text === "" ? [] : [{ type: "text", text: p.text }];
          case "tool_call":
            return [{ type: "tool_use", id: p.id, name: p.name, input: p.arguments }];
          default:
            return unreachable(p);
        }
      });
    case "tool":
      return m.content.map((p) => {
        const block: Block = {
          type: "tool_result",
          tool_use_id: p.callId,
          content: renderToolResult(p),
        };
        if (p.isError === true) block["is_error"] = true;
        return block;
      });
    default:
      return unreachable(m);
  }
}
