/**
 * The in-memory fake of {@link LlmProvider}: each `stream()` call replays the
 * next script of events and records the request, so the agent loop can be
 * tested without a network. It keeps the port's contract: it never throws,
 * and an abort ends the stream with an `aborted` error.
 *
 * @module
 */

import { llmError, type LlmEvent } from "./llm_event.ts";
import type { LlmProvider } from "./llm_provider.ts";
import type { LlmRequest } from "./llm_request.ts";

/** A scripted event, or `{kind: "hang"}`: wait there until the call is aborted. */
export type ScriptStep = LlmEvent | { readonly kind: "hang" };

/** Replays one script per call, in order. */
export class ScriptedLlmProvider implements LlmProvider {
  readonly name = "scripted";
  /** Every request received, in order. */
  readonly requests: LlmRequest[] = [];
  readonly #scripts: readonly (readonly ScriptStep[])[];

  constructor(scripts: readonly (readonly ScriptStep[])[]) {
    this.#scripts = scripts;
  }

  async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
    const n = this.requests.push(request);
    const script = this.#scripts[n - 1];
    if (script === undefined) {
      yield llmError("provider_error", `scripted provider has no script for call #${n}`);
      return;
    }
    const aborted = () => llmError("aborted", "scripted call was cancelled");
    for (const step of script) {
      if (signal.aborted) return yield aborted();
      if (step.kind === "hang") {
        await new Promise<void>((resolve) => {
          if (signal.aborted) return resolve();
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
        return yield aborted();
      }
      yield step;
      if (step.kind === "stop" || step.kind === "error") return;
    }
  }
}
