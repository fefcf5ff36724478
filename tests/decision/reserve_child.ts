/**
 * Child process for the cross-process budget test: fires `count` concurrent
 * $0.01 reservations at one session in the KV file `path`, then prints how
 * many were reserved, as JSON on stdout.
 *
 * Usage: deno run -A tests/decision/reserve_child.ts <path> <count> <seed>
 */

import type { DecisionRecord } from "../../src/security/mod.ts";
import { openStore } from "./_open_store.ts";

const [path, countText, seedText] = Deno.args;
const { store, close } = await openStore(path!, { seed: Number(seedText) });
const record: DecisionRecord = {
  sessionId: "shared",
  principal: "local",
  requestedBy: "agent",
  tool: "test",
  actions: [],
  actionHash: "h",
  decision: "allow",
  stage: "policy",
  reason: "test",
  proof: { policy: "passed" },
  costMicros: 10_000,
};
const results = await Promise.all(
  Array.from({ length: Number(countText) }, (_, i) =>
    store.commit({
      record,
      reservation: { id: `r${seedText}-${i}`, amountMicros: 10_000, workspaceKey: "/w" },
      countsAsDenial: false,
    })),
);
await close();
console.log(JSON.stringify({ reserved: results.filter((r) => !r.rejected).length }));
