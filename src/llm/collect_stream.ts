/**
 * A whole response assembled from a stream: the text, the finished tool
 * calls, the usage and how it ended. For callers that do not render deltas,
 * and for tests.
 *
 * @module
 */

import { type LlmErrorEvent, type LlmEvent, type StopReason, unreachable } from "./llm_event.ts";
import type { LlmUsage } from "./llm_event.ts";

/** A finished tool call. */
export interface CollectedToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
}

/** Everything one stream said. Exactly one of `stop` and `error` is set. */
export interface CollectedResponse {
  readonly text: string;
  readonly toolCalls: readonly CollectedToolCall[];
  readonly usage: LlmUsage | undefined;
  readonly stop: StopReason | undefined;
  readonly error: LlmErrorEvent | undefined;
  /** How many events the stream yielded. */
  readonly events: number;
}

/** Options of {@link collectStream}. */
export interface CollectOptions {
  /** Called with each non-empty text delta as it arrives (a frontend rendering the answer live). */
  readonly onText?: (text: string) => void | Promise<void>;
}

/** Consume `events` to the end and assemble them. */
export async function collectStream(
  events: AsyncIterable<LlmEvent>,
  options: CollectOptions = {},
): Promise<CollectedResponse> {
  let text = "";
  const names = new Map<string, string>();
  const toolCalls: CollectedToolCall[] = [];
  let usage: LlmUsage | undefined;
  let stop: StopReason | undefined;
  let error: LlmErrorEvent | undefined;
  let count = 0;
  for await (const e of events) {
    count++;
    switch (e.kind) {
      case "text_delta":
        text += e.text;
        if (options.onText && e.text !== "") await options.onText(e.text);
        break;
      case "tool_call_start":
        names.set(e.id, e.name);
        break;
      case "tool_call_delta":
        break;
      case "tool_call_end":
        toolCalls.push({ id: e.id, name: names.get(e.id) ?? "", arguments: e.arguments });
        break;
      case "usage":
        usage = { inputTokens: e.inputTokens, outputTokens: e.outputTokens };
        break;
      case "stop":
        stop = e.reason;
        break;
      case "error":
        error = e;
        break;
      default:
        unreachable(e);
    }
  }
  if (stop === undefined && error === undefined) {
    error = {
      kind: "error",
      code: "stream_interrupted",
      message: "the stream ended without stop or error",
      retryable: true,
    };
  }
  return { text, toolCalls, usage, stop, error, events: count };
}
