import assert from "node:assert/strict";
import { checkRequest } from "./check_request.ts";
import type { LlmRequest } from "./llm_request.ts";

const ok: LlmRequest = {
  model: "m",
  messages: [],
  tools: [{ name: "t", description: "", inputSchema: { type: "object" } }],
  maxTokens: 5,
};

Deno.test("checkRequest() accepts a sound request", () => {
  assert.equal(checkRequest("p", ok), undefined);
  assert.equal(checkRequest("p", { ...ok, temperature: 0 }), undefined);
});

Deno.test("checkRequest() names the field that makes a request unsendable", async (t) => {
  const cases: [string, LlmRequest, string][] = [
    [
      "empty model",
      { ...ok, model: " " },
      'p: request.model is empty: set [llm] model = "<model name>"',
    ],
    [
      "zero max tokens",
      { ...ok, maxTokens: 0 },
      "p: request.maxTokens is 0: expected a whole number >= 1",
    ],
    [
      "fractional max tokens",
      { ...ok, maxTokens: 1.5 },
      "p: request.maxTokens is 1.5: expected a whole number >= 1",
    ],
    [
      "temperature out of range",
      { ...ok, temperature: 3 },
      "p: request.temperature is 3: expected a number from 0 to 2",
    ],
    [
      "temperature NaN",
      { ...ok, temperature: NaN },
      "p: request.temperature is NaN: expected a number from 0 to 2",
    ],
    [
      "a duplicate tool",
      { ...ok, tools: [...ok.tools, ...ok.tools] },
      'p: tool "t" is listed twice',
    ],
    [
      "a schema that is not an object",
      { ...ok, tools: [{ name: "s", description: "", inputSchema: { type: "string" } }] },
      'p: the input schema of tool "s" has type "string": expected "object"',
    ],
  ];
  for (const [name, request, message] of cases) {
    await t.step(name, () => {
      assert.deepEqual(checkRequest("p", request), {
        kind: "error",
        code: "bad_request",
        message,
        retryable: false,
      });
    });
  }
});
