/**
 * Anthropic Messages streaming events to model events.
 *
 * Wire events: `message_start` (input usage), `content_block_start` (`text`
 * or `tool_use` with `id`, `name`), `content_block_delta` (`text_delta`,
 * `input_json_delta` with `partial_json`), `content_block_stop`,
 * `message_delta` (`stop_reason`, cumulative `usage.output_tokens`),
 * `message_stop` (the terminator), `ping` and `error`. Unknown event and
 * block types (thinking, citations, server tools, new ones) are skipped, as
 * Anthropic's versioning policy asks of clients.
 *
 * A body that ends before `message_stop` is a `stream_interrupted` error,
 * never a short answer.
 *
 * @module
 */

import { llmError, type LlmErrorCode, type LlmEvent, type StopReason } from "./llm_event.ts";
import type { SseEvent } from "./sse_parser.ts";
import {
  field,
  parseObject,
  parseToolArguments,
  preview,
  type StreamDecoder,
  tokens,
} from "./stream_decoder.ts";
import { isRetryableCode } from "./http_error_event.ts";

type Block =
  | { kind: "text" }
  | { kind: "tool"; id: string; name: string; json: string; initial: string }
  | { kind: "other" };

/** Largest argument text accepted for one tool call, in UTF-16 code units. */
const MAX_ARGUMENT_CHARS = 8 * 1024 * 1024;

/** A decoder for one Anthropic Messages stream. */
export class AnthropicDecoder implements StreamDecoder {
  #blocks = new Map<number, Block>();
  #started = false;
  #inputTokens = 0;
  #outputTokens = 0;
  #stopReason: StopReason = "other";
  #finished = false;

  get finished(): boolean {
    return this.#finished;
  }

  push(sse: SseEvent, out: LlmEvent[]): void {
    if (this.#finished) return;
    const data = parseObject(sse.data);
    if (data === undefined) {
      return this.#fail(
        out,
        "malformed_stream",
        `anthropic sent an event whose data is not a JSON object: ${preview(sse.data)}`,
      );
    }
    const type = typeof data["type"] === "string" ? data["type"] : sse.event;
    switch (type) {
      case "message_start": {
        this.#started = true;
        this.#readUsage(field(data["message"], "usage"));
        return;
      }
      case "content_block_start":
        return this.#blockStart(data, out);
      case "content_block_delta":
        return this.#blockDelta(data, out);
      case "content_block_stop":
        return this.#blockStop(data, out);
      case "message_delta": {
        const reason = field(data["delta"], "stop_reason");
        if (typeof reason === "string") this.#stopReason = stopReasonOf(reason);
        this.#readUsage(data["usage"]);
        return;
      }
      case "message_stop":
        this.#finished = true;
        out.push(this.#usage(), { kind: "stop", reason: this.#stopReason });
        return;
      case "error": {
        const errType = field(data["error"], "type");
        const message = field(data["error"], "message");
        const code = errType === "overloaded_error"
          ? "overloaded"
          : errType === "rate_limit_error"
          ? "rate_limited"
          : errType === "api_error"
          ? "server_error"
          : "provider_error";
        return this.#fail(
          out,
          code,
          `anthropic reported an error in the stream: ${
            typeof errType === "string" ? errType : "error"
          }${typeof message === "string" ? `: ${message}` : ""}`,
          isRetryableCode(code),
        );
      }
      default:
        return; // ping, and event types newer than this adapter
    }
  }

  end(out: LlmEvent[], broken?: string): void {
    if (this.#finished) return;
    const open = [...this.#blocks.values()].filter((b) => b.kind === "tool").length;
    this.#fail(
      out,
      "stream_interrupted",
      `anthropic stream ended before message_stop${broken ? ` (${broken})` : ""}${
        open > 0 ? `, with ${open} tool call(s) incomplete` : ""
      }`,
      true,
    );
  }

  #blockStart(data: Record<string, unknown>, out: LlmEvent[]): void {
    const index = data["index"];
    const block = data["content_block"];
    if (typeof index !== "number") {
      return this.#protocol(out, "content_block_start without an index");
    }
    const blockType = field(block, "type");
    if (blockType === "text") {
      this.#blocks.set(index, { kind: "text" });
      const text = field(block, "text");
      if (typeof text === "string" && text.length > 0) out.push({ kind: "text_delta", text });
    } else if (blockType === "tool_use") {
      const id = field(block, "id"), name = field(block, "name");
      if (typeof id !== "string" || id === "" || typeof name !== "string" || name === "") {
        return this.#protocol(out, "tool_use block without an id and a name");
      }
      // Anthropic streams `input: {}` here and the arguments as deltas; a gateway
      // that sends the whole input up front and no deltas still gets it used.
      const input = field(block, "input");
      const initial = typeof input === "object" && input !== null && Object.keys(input).length > 0
        ? JSON.stringify(input)
        : "";
      this.#blocks.set(index, { kind: "tool", id, name, json: "", initial });
      out.push({ kind: "tool_call_start", id, name });
    } else {
      this.#blocks.set(index, { kind: "other" });
    }
  }

  #blockDelta(data: Record<string, unknown>, out: LlmEvent[]): void {
    const block = this.#blocks.get(data["index"] as number);
    if (block === undefined) {
      return this.#protocol(out, `delta for unknown block ${preview(String(data["index"]))}`);
    }
    const delta = data["delta"];
    const deltaType = field(delta, "type");
    if (deltaType === "text_delta" && block.kind === "text") {
      const text = field(delta, "text");
      if (typeof text === "string" && text.length > 0) out.push({ kind: "text_delta", text });
    } else if (deltaType === "input_json_delta" && block.kind === "tool") {
      const part = field(delta, "partial_json");
      if (typeof part !== "string" || part.length === 0) return;
      block.json += part;
      if (block.json.length > MAX_ARGUMENT_CHARS) {
        return this.#fail(
          out,
          "malformed_tool_arguments",
          `arguments of tool call "${block.id}" (${block.name}) exceed ${MAX_ARGUMENT_CHARS} characters`,
        );
      }
      out.push({ kind: "tool_call_delta", id: block.id, argumentsDelta: part });
    }
  }

  #blockStop(data: Record<string, unknown>, out: LlmEvent[]): void {
    const index = data["index"] as number;
    const block = this.#blocks.get(index);
    if (block === undefined) {
      return this.#protocol(out, `stop of unknown block ${preview(String(index))}`);
    }
    this.#blocks.delete(index);
    if (block.kind !== "tool") return;
    const parsed = parseToolArguments(block.id, block.name, block.json || block.initial);
    if (!parsed.ok) return this.#end(out, parsed.event);
    out.push({ kind: "tool_call_end", id: block.id, arguments: parsed.value });
  }

  #readUsage(usage: unknown): void {
    const input = tokens(field(usage, "input_tokens"));
    const created = tokens(field(usage, "cache_creation_input_tokens")) ?? 0;
    const read = tokens(field(usage, "cache_read_input_tokens")) ?? 0;
    // Cached input is counted at the full input price: a budget may overestimate, never under.
    if (input !== undefined) this.#inputTokens = input + created + read;
    const output = tokens(field(usage, "output_tokens"));
    if (output !== undefined) this.#outputTokens = output;
  }

  #usage(): LlmEvent {
    return { kind: "usage", inputTokens: this.#inputTokens, outputTokens: this.#outputTokens };
  }

  #protocol(out: LlmEvent[], what: string): void {
    this.#fail(out, "malformed_stream", `anthropic stream broke protocol: ${what}`);
  }

  #fail(out: LlmEvent[], code: LlmErrorCode, message: string, retryable = false): void {
    this.#end(out, llmError(code, message, retryable));
  }

  /** Finish with `error`, after the usage counted so far (the budget is still charged). */
  #end(out: LlmEvent[], error: LlmEvent): void {
    this.#finished = true;
    if (this.#started) out.push(this.#usage());
    out.push(error);
  }
}

/** Anthropic's `stop_reason` as a {@link StopReason}. */
export function stopReasonOf(reason: string): StopReason {
  switch (reason) {
    case "end_turn":
    case "tool_use":
    case "max_tokens":
    case "stop_sequence":
      return reason;
    default:
      return "other"; // pause_turn, refusal, and reasons newer than this adapter
  }
}
