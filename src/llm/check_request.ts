/**
 * The checks every adapter makes before it sends anything: a request the
 * server would refuse anyway fails here, with a message naming the field.
 *
 * @module
 */

import { llmError, type LlmErrorEvent } from "./llm_event.ts";
import type { LlmRequest } from "./llm_request.ts";

/** A `bad_request` error for a request that cannot be sent, or `undefined`. */
export function checkRequest(provider: string, request: LlmRequest): LlmErrorEvent | undefined {
  const bad = (what: string) => llmError("bad_request", `${provider}: ${what}`);
  if (typeof request.model !== "string" || request.model.trim() === "") {
    return bad('request.model is empty: set [llm] model = "<model name>"');
  }
  if (!Number.isSafeInteger(request.maxTokens) || request.maxTokens < 1) {
    return bad(`request.maxTokens is ${request.maxTokens}: expected a whole number >= 1`);
  }
  const t = request.temperature;
  if (t !== undefined && !(Number.isFinite(t) && t >= 0 && t <= 2)) {
    return bad(`request.temperature is ${t}: expected a number from 0 to 2`);
  }
  const seen = new Set<string>();
  for (const tool of request.tools) {
    if (seen.has(tool.name)) return bad(`tool "${tool.name}" is listed twice`);
    seen.add(tool.name);
    if (tool.inputSchema["type"] !== "object") {
      return bad(
        `the input schema of tool "${tool.name}" has type ${
          JSON.stringify(tool.inputSchema["type"])
        }: expected "object"`,
      );
    }
  }
  return undefined;
}
