/**
 * Group commit vs bare Deno KV commits on a file (one fsync per commit).
 *
 *   deno bench --allow-all tests/bench/kv_batch_bench.ts
 *
 * "single caller": the batcher adds its overlay and bookkeeping to one commit.
 * "200 in flight": bare commits do not share fsyncs; the batcher puts every job
 * that arrives while a commit is in flight into the next one. Divide 200 by the
 * time per iteration for jobs/s.
 */

import { join } from "node:path";
import { KvBatcher } from "../../src/storage/kv_batch.ts";

const dir = Deno.makeTempDirSync({ prefix: "astrid-bench-kvbatch-" });
const kv = await Deno.openKv(join(dir, "state.kv"));
const batcher = new KvBatcher(kv);
const value = new Uint8Array(340).fill(97);
let i = 0;

globalThis.addEventListener("unload", () => {
  kv.close();
  Deno.removeSync(dir, { recursive: true });
});

Deno.bench({
  name: "bare kv.atomic().set(340 B).commit()",
  group: "single caller",
  baseline: true,
  async fn() {
    await kv.atomic().set(["bare", i++], value).commit();
  },
});

Deno.bench({
  name: "KvBatcher job: read-modify-write a counter + set 340 B",
  group: "single caller",
  async fn() {
    await batcher.run(async (tx) => {
      const n = (await tx.get<number>(["counter"])) ?? 0;
      tx.set(["counter"], n + 1);
      tx.set(["batched", i++], value);
    });
  },
});

Deno.bench({
  name: "200 bare commits in flight (340 B each)",
  group: "200 in flight",
  baseline: true,
  async fn() {
    await Promise.all(
      Array.from({ length: 200 }, () => kv.atomic().set(["bare", i++], value).commit()),
    );
  },
});

Deno.bench({
  name: "200 KvBatcher jobs in flight (counter + 340 B each)",
  group: "200 in flight",
  async fn() {
    await Promise.all(
      Array.from({ length: 200 }, () =>
        batcher.run(async (tx) => {
          const n = (await tx.get<number>(["counter"])) ?? 0;
          tx.set(["counter"], n + 1);
          tx.set(["batched", i++], value);
        })),
    );
  },
});
