/**
 * What a model call cost, from its usage and the `[llm.prices]` table. Pure,
 * for the budget ledger.
 *
 * @module
 */

import type { ModelPrice } from "./create_provider.ts";
import type { LlmUsage } from "./llm_event.ts";

/** A cost in USD, or why there is none. */
export type CostResult =
  | { readonly ok: true; readonly usd: number }
  | { readonly ok: false; readonly reason: string };

/**
 * The USD cost of `usage` on `model`. A model missing from `prices` is not
 * free: the result says so, and the ledger decides (it must not charge 0
 * silently). Prices are matched on the exact model name.
 */
export function costOfUsage(
  usage: LlmUsage,
  model: string,
  prices: Readonly<Record<string, ModelPrice>>,
): CostResult {
  for (
    const [what, n] of [["inputTokens", usage.inputTokens], [
      "outputTokens",
      usage.outputTokens,
    ]] as const
  ) {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`Cannot price usage.${what} = ${n}: expected a whole number >= 0`);
    }
  }
  const price = Object.hasOwn(prices, model) ? prices[model] : undefined;
  if (price === undefined) {
    return {
      ok: false,
      reason: `no price for model ${JSON.stringify(model)}: add [llm.prices.${
        JSON.stringify(model)
      }] with input_per_mtok and output_per_mtok (USD per million tokens)`,
    };
  }
  return {
    ok: true,
    usd: (usage.inputTokens * price.input_per_mtok + usage.outputTokens * price.output_per_mtok) /
      1_000_000,
  };
}
