import assert from "node:assert/strict";
import { costOfUsage } from "./cost_of_usage.ts";

const prices = {
  "claude-x": { input_per_mtok: 3, output_per_mtok: 15 },
  "free": { input_per_mtok: 0, output_per_mtok: 0 },
};

Deno.test("costOfUsage() prices input and output tokens per million", () => {
  assert.deepEqual(costOfUsage({ inputTokens: 1_000_000, outputTokens: 0 }, "claude-x", prices), {
    ok: true,
    usd: 3,
  });
  assert.deepEqual(costOfUsage({ inputTokens: 2000, outputTokens: 1000 }, "claude-x", prices), {
    ok: true,
    usd: 0.021,
  });
  assert.deepEqual(costOfUsage({ inputTokens: 5, outputTokens: 5 }, "free", prices), {
    ok: true,
    usd: 0,
  });
});

Deno.test("costOfUsage() says a model without a price is unpriced, never free", async (t) => {
  for (
    const model of ["gpt-unknown", "constructor", "__proto__", "toString", "claude-x-20250101"]
  ) {
    await t.step(model, () => {
      const r = costOfUsage({ inputTokens: 1, outputTokens: 1 }, model, prices);
      assert.ok(!r.ok);
      assert.equal(
        r.reason,
        `no price for model ${JSON.stringify(model)}: add [llm.prices.${
          JSON.stringify(model)
        }] with input_per_mtok and output_per_mtok (USD per million tokens)`,
      );
    });
  }
});

Deno.test("costOfUsage() refuses token counts that are not whole numbers >= 0", () => {
  for (const n of [-1, 1.5, Number.NaN, Infinity]) {
    assert.throws(
      () => costOfUsage({ inputTokens: n, outputTokens: 0 }, "claude-x", prices),
      RangeError,
    );
    assert.throws(
      () => costOfUsage({ inputTokens: 0, outputTokens: n }, "claude-x", prices),
      RangeError,
    );
  }
});
