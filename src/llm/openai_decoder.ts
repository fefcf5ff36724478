/**
 * OpenAI-compatible chat completion chunks to model events.
 *
 * Wire: `data: {choices: [{index, delta: {content, tool_calls: [{index, id,
 * function: {name, arguments}}]}, finish_reason}]}` chunks, a final chunk with
 * `usage` and empty `choices` (when `stream_options.include_usage` was sent),
 * then `data: [DONE]`. Tool calls are told apart by `index`, and the
 * fragments of parallel calls may interleave; `id` and the name come with a
 * call's first fragment. Some servers send `{error: {...}}` as a chunk.
 *
 * Ending: `[DONE]` ends the stream; so does the end of the body after a
 * `finish_reason` (servers that omit `[DONE]`). A body that ends before either
 * is a `stream_interrupted` error, never a short answer.
 *
 * @module
 */

import { isRetryableCode } from "./http_error_event.ts";
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

interface Call {
  id: string;
  name: string;
  /** Argument text received; before the name arrives it is held back. */
  json: string;
  started: boolean;
}

/** Largest argument text accepted for one tool call, in UTF-16 code units. */
const MAX_ARGUMENT_CHARS = 8 * 1024 * 1024;

/** A decoder for one OpenAI-compatible chat completion stream. */
export class OpenAiDecoder implements StreamDecoder {
  readonly #provider: string;
  #open = new Map<number, Call>();
  #calls = 0;
  #finish: string | undefined;
  #usage: { input: number; output: number } | undefined;
  #finished = false;

  /** `provider` names the server in messages (`openai`, `zai`). */
  constructor(provider = "openai") {
    this.#provider = provider;
  }

  get finished(): boolean {
    return this.#finished;
  }

  push(sse: SseEvent, out: LlmEvent[]): void {
    if (this.#finished) return;
    if (sse.data === "[DONE]") return this.#complete(out);
    const chunk = parseObject(sse.data);
    if (chunk === undefined) {
      return this.#fail(
        out,
        llmError(
          "malformed_stream",
          `${this.#provider} sent a chunk that is not a JSON object: ${preview(sse.data)}`,
        ),
      );
    }
    if (chunk["error"] !== undefined && chunk["error"] !== null) {
      return this.#streamError(chunk["error"], out);
    }
    const usage = chunk["usage"];
    if (usage !== undefined && usage !== null) {
      this.#usage = {
        input: tokens(field(usage, "prompt_tokens")) ?? 0,
        output: tokens(field(usage, "completion_tokens")) ?? 0,
      };
    }
    const choices = chunk["choices"];
    if (!Array.isArray(choices)) return;
    const choice = choices.find((c) => field(c, "index") === 0 || field(c, "index") === undefined);
    if (choice === undefined) return;
    const delta = field(choice, "delta");
    const content = field(delta, "content");
    if (typeof content === "string" && content.length > 0) {
      out.push({ kind: "text_delta", text: content });
    }
    const toolCalls = field(delta, "tool_calls");
    if (Array.isArray(toolCalls)) {
      for (let i = 0; i < toolCalls.length && !this.#finished; i++) {
        this.#toolFragment(toolCalls[i], i, out);
      }
    }
    const finish = field(choice, "finish_reason");
    if (typeof finish === "string" && finish.length > 0 && !this.#finished) {
      this.#finish = finish;
      this.#closeCalls(out);
    }
  }

  end(out: LlmEvent[], broken?: string): void {
    if (this.#finished) return;
    if (this.#finish !== undefined && broken === undefined) return this.#complete(out);
    const open = this.#open.size;
    this.#fail(
      out,
      llmError(
        "stream_interrupted",
        `${this.#provider} stream ended before finish_reason and [DONE]${
          broken ? ` (${broken})` : ""
        }${open > 0 ? `, with ${open} tool call(s) incomplete` : ""}`,
        true,
      ),
    );
  }

  #toolFragment(fragment: unknown, position: number, out: LlmEvent[]): void {
    const rawIndex = field(fragment, "index");
    const index = typeof rawIndex === "number" ? rawIndex : position;
    const id = field(fragment, "id");
    const fn = field(fragment, "function");
    const name = field(fn, "name");
    const args = field(fn, "arguments");
    let call = this.#open.get(index);
    // A server that reuses index 0 for every parallel call still gives each a new id.
    if (
      call !== undefined && typeof id === "string" && id !== "" && id !== call.id && call.started
    ) {
      this.#closeCall(index, call, out);
      if (this.#finished) return;
      call = undefined;
    }
    if (call === undefined) {
      call = {
        id: typeof id === "string" && id !== "" ? id : `call_${this.#calls}`,
        name: "",
        json: "",
        started: false,
      };
      this.#calls++;
      this.#open.set(index, call);
    }
    if (typeof args === "string") call.json += args;
    if (call.json.length > MAX_ARGUMENT_CHARS) {
      return this.#fail(
        out,
        llmError(
          "malformed_tool_arguments",
          `arguments of tool call "${call.id}" exceed ${MAX_ARGUMENT_CHARS} characters`,
        ),
      );
    }
    if (!call.started) {
      if (typeof name !== "string" || name === "") return;
      call.name = name;
      call.started = true;
      out.push({ kind: "tool_call_start", id: call.id, name });
      if (call.json.length > 0) {
        out.push({ kind: "tool_call_delta", id: call.id, argumentsDelta: call.json });
      }
    } else if (typeof args === "string" && args.length > 0) {
      out.push({ kind: "tool_call_delta", id: call.id, argumentsDelta: args });
    }
  }

  #closeCalls(out: LlmEvent[]): void {
    for (const [index, call] of [...this.#open].sort((a, b) => a[0] - b[0])) {
      this.#closeCall(index, call, out);
      if (this.#finished) return;
    }
  }

  #closeCall(index: number, call: Call, out: LlmEvent[]): void {
    this.#open.delete(index);
    if (!call.started) {
      return this.#fail(
        out,
        llmError(
          "malformed_stream",
          `${this.#provider} sent tool call "${call.id}" without a function name`,
        ),
      );
    }
    const parsed = parseToolArguments(call.id, call.name, call.json);
    if (!parsed.ok) return this.#fail(out, parsed.event);
    out.push({ kind: "tool_call_end", id: call.id, arguments: parsed.value });
  }

  #complete(out: LlmEvent[]): void {
    this.#closeCalls(out);
    if (this.#finished) return;
    this.#finished = true;
    if (this.#usage) {
      out.push({ kind: "usage", inputTokens: this.#usage.input, outputTokens: this.#usage.output });
    }
    out.push({ kind: "stop", reason: this.#stopReason() });
  }

  #stopReason(): StopReason {
    switch (this.#finish) {
      case "tool_calls":
      case "function_call":
        return "tool_use";
      case "length":
        return "max_tokens";
      case "stop":
        // Some servers (older Ollama) say "stop" after tool calls; the calls decide.
        return this.#calls > 0 ? "tool_use" : "end_turn";
      default:
        return "other"; // content_filter, a missing finish_reason, newer reasons
    }
  }

  #streamError(error: unknown, out: LlmEvent[]): void {
    const message = typeof error === "string" ? error : field(error, "message");
    const kind = [field(error, "code"), field(error, "type")].filter((x) => typeof x === "string")
      .join(" ");
    const code: LlmErrorCode = /overload/i.test(kind + " " + String(message))
      ? "overloaded"
      : /rate.?limit/i.test(kind)
      ? "rate_limited"
      : /server|internal/i.test(kind)
      ? "server_error"
      : "provider_error";
    this.#fail(
      out,
      llmError(
        code,
        `${this.#provider} reported an error in the stream: ${kind ? `${kind}: ` : ""}${
          typeof message === "string" ? message : "(no message)"
        }`,
        isRetryableCode(code),
      ),
    );
  }

  #fail(out: LlmEvent[], error: LlmEvent): void {
    this.#finished = true;
    if (this.#usage) {
      out.push({ kind: "usage", inputTokens: this.#usage.input, outputTokens: this.#usage.output });
    }
    out.push(error);
  }
}
