/**
 * An {@link LlmRequest} as an OpenAI-compatible chat completions body.
 *
 * The system prompt is the first message; an assistant turn carries its tool
 * calls with JSON-encoded arguments; each tool result is one `tool` message
 * whose text is wrapped as untrusted data. `stream_options.include_usage`
 * asks for the final usage chunk.
 *
 * @module
 */

import { unreachable } from "./llm_event.ts";
import type { LlmMessage, LlmRequest } from "./llm_request.ts";
import { renderToolResult } from "./render_tool_result.ts";

/**
 * Which body field carries the completion limit: OpenAI's own API wants
 * `max_completion_tokens` (its newer models refuse `max_tokens`); most
 * compatible servers only know `max_tokens`.
 */
export type MaxTokensField = "max_tokens" | "max_completion_tokens";

/** The JSON body of a streaming chat completions request. */
export function openAiBody(
  request: LlmRequest,
  maxTokensField: MaxTokensField = "max_tokens",
): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [];
  if (request.system !== undefined && request.system !== "") {
    messages.push({ role: "system", content: request.system });
  }
  for (const m of request.messages) messages.push(...openAiMessages(m));
  const body: Record<string, unknown> = {
    model: request.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    [maxTokensField]: request.maxTokens,
  };
  if (request.temperature !== undefined) body["temperature"] = request.temperature;
  if (request.tools.length > 0) {
    body["tools"] = request.tools.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.inputSchema },
    }));
  }
  return body;
}

function openAiMessages(m: LlmMessage): Record<string, unknown>[] {
  switch (m.role) {
    case "user":
      return [{ role: "user", content: m.content.map((p) => p.text).join("") }];
    case "assistant": {
      let text = "";
      const calls: Record<string, unknown>[] = [];
      for (const p of m.content) {
        switch (p.kind) {
          case "text":
            text += p.text;
            break;
          case "tool_call":
            calls.push({
              id: p.id,
              type: "function",
              function: { name: p.name, arguments: JSON.stringify(p.arguments) },
            });
            break;
          default:
            unreachable(p);
        }
      }
      const msg: Record<string, unknown> = {
        role: "assistant",
        content: text === "" ? null : text,
      };
      if (calls.length > 0) msg["tool_calls"] = calls;
      return [msg];
    }
    case "tool":
      return m.content.map((p) => ({
        role: "tool",
        tool_call_id: p.callId,
        content: renderToolResult(p),
      }));
    default:
      return unreachable(m);
  }
}
