import assert from "node:assert/strict";
import { join } from "node:path";
import { AstridError } from "../core/mod.ts";
import { type BatchTx, KV_ATOMIC_LIMITS, KvBatcher } from "./kv_batch.ts";

async function withKv(fn: (kv: Deno.Kv, path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "astrid-kvbatch-" });
  const path = join(dir, "state.kv");
  const kv = await Deno.openKv(path);
  try {
    await fn(kv, path);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const increment = (key: Deno.KvKey) => async (tx: BatchTx) => {
  const n = (await tx.get<number>(key)) ?? 0;
  tx.set(key, n + 1);
  return n + 1;
};

Deno.test("KvBatcher resolves a job only after its write is committed", async () => {
  await withKv(async (kv) => {
    const b = new KvBatcher(kv);
    const r = await b.run((tx) => {
      tx.set(["a"], "x");
      return 42;
    });
    assert.equal(r, 42);
    assert.equal((await kv.get(["a"])).value, "x");
    await b.close();
  });
});

Deno.test("KvBatcher groups concurrent jobs into few commits and later jobs see earlier writes", async () => {
  await withKv(async (kv) => {
    const b = new KvBatcher(kv);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => b.run(increment(["n"]))),
    );
    // Each job saw the previous job's write: the results are 1..200 in submission order.
    assert.deepEqual(results, Array.from({ length: 200 }, (_, i) => i + 1));
    assert.equal((await kv.get(["n"])).value, 200);
    assert.ok(b.stats.commits <= 2, `expected at most 2 commits, got ${b.stats.commits}`);
    await b.close();
  });
});

Deno.test("KvBatcher rebuilds the batch when another writer changed a key it read", async () => {
  await withKv(async (kv) => {
    const b = new KvBatcher(kv);
    await kv.set(["n"], 10);
    let builds = 0;
    const r = await b.run(async (tx) => {
      builds++;
      const n = (await tx.get<number>(["n"]))!;
      // Another process writes between our read and our commit, once.
      if (builds === 1) await kv.set(["n"], 100);
      tx.set(["n"], n + 1);
      return n + 1;
    });
    assert.equal(builds, 2);
    assert.equal(r, 101);
    assert.equal((await kv.get(["n"])).value, 101);
    assert.equal(b.stats.conflicts, 1);
    await b.close();
  });
});

Deno.test("KvBatcher's read cache never hides a write made through another handle", async () => {
  await withKv(async (kv, path) => {
    const other = await Deno.openKv(path);
    const b = new KvBatcher(kv);
    try {
      await b.run(increment(["n"])); // n = 1, now cached
      await other.set(["n"], 50); // behind the cache's back
      assert.equal(await b.run(increment(["n"])), 51);
      assert.equal((await kv.get(["n"])).value, 51);
    } finally {
      await b.close();
      other.close();
    }
  });
});

Deno.test("two KvBatchers on two handles of one file never lose an increment", async () => {
  await withKv(async (kv, path) => {
    const other = await Deno.openKv(path);
    const a = new KvBatcher(kv);
    const c = new KvBatcher(other);
    try {
      await Promise.all([
        ...Array.from({ length: 150 }, () => a.run(increment(["n"]))),
        ...Array.from({ length: 150 }, () => c.run(increment(["n"]))),
      ]);
      assert.equal((await kv.get(["n"])).value, 300);
    } finally {
      await a.close();
      await c.close();
      other.close();
    }
  });
});

Deno.test("KvBatcher fails a job that keeps conflicting with STORE_CONFLICT after maxAttempts", async () => {
  await withKv(async (kv) => {
    const b = new KvBatcher(kv, { maxAttempts: 3, backoff: { baseMs: 0, maxMs: 0 } });
    let builds = 0;
    const err = await b.run(async (tx) => {
      builds++;
      await tx.get(["hot"]);
      await kv.set(["hot"], builds);
      tx.set(["x"], 1);
    }).catch((e) => e);
    assert.ok(err instanceof AstridError && err.code === "STORE_CONFLICT", String(err));
    assert.equal(builds, 3);
    assert.equal((await kv.get(["x"])).value, null);
    await b.close();
  });
});

Deno.test("KvBatcher fails a throwing job alone and commits the rest of its batch", async () => {
  await withKv(async (kv) => {
    const b = new KvBatcher(kv);
    const ok1 = b.run(increment(["n"]));
    const bad = b.run(async (tx) => {
      await increment(["n"])(tx);
      tx.set(["poison"], true);
      throw new Error("policy bug");
    });
    const ok2 = b.run(increment(["n"]));
    const badDone = assert.rejects(bad, /policy bug/);
    assert.equal(await ok1, 1);
    await badDone;
    // The failed job's increment was dropped: the next job saw 1, not 2.
    assert.equal(await ok2, 2);
    assert.equal((await kv.get(["poison"])).value, null);
    assert.equal((await kv.get(["n"])).value, 2);
    await b.close();
  });
});

Deno.test("KvBatcher splits batches at Deno KV's limits on mutations and checks", async (t) => {
  await t.step("mutations", async () => {
    await withKv(async (kv) => {
      const b = new KvBatcher(kv, { maxJobs: 5000 });
      await Promise.all(
        Array.from({ length: 1500 }, (_, i) => b.run((tx) => tx.set(["k", i], i))),
      );
      assert.ok(b.stats.commits >= 2, `commits ${b.stats.commits}`);
      assert.ok(b.stats.largestBatch <= KV_ATOMIC_LIMITS.mutations);
      let n = 0;
      for await (const _ of kv.list({ prefix: ["k"] })) n++;
      assert.equal(n, 1500);
      await b.close();
    });
  });
  await t.step("checks", async () => {
    await withKv(async (kv) => {
      const b = new KvBatcher(kv);
      await Promise.all(Array.from({ length: 250 }, (_, i) => b.run(increment(["c", i]))));
      assert.ok(b.stats.commits >= 3, `commits ${b.stats.commits}`);
      for (const i of [0, 99, 100, 249]) assert.equal((await kv.get(["c", i])).value, 1);
      await b.close();
    });
  });
  await t.step("bytes", async () => {
    await withKv(async (kv) => {
      const b = new KvBatcher(kv);
      const big = new Uint8Array(60_000);
      await Promise.all(Array.from({ length: 30 }, (_, i) => b.run((tx) => tx.set(["b", i], big))));
      assert.ok(b.stats.commits >= 3, `commits ${b.stats.commits}`);
      await b.close();
    });
  });
});

Deno.test("KvBatcher rejects a job that alone exceeds one commit and keeps its neighbours", async (t) => {
  await t.step("too many writes", async () => {
    await withKv(async (kv) => {
      const b = new KvBatcher(kv);
      const fine = b.run((tx) => tx.set(["ok"], 1));
      const huge = b.run((tx) => {
        for (let i = 0; i < 1001; i++) tx.set(["k", i], i);
      });
      await Promise.all([
        fine,
        assert.rejects(huge, (e) => e instanceof RangeError && /keys written/.test(e.message)),
      ]);
      assert.equal((await kv.get(["ok"])).value, 1);
      assert.equal((await kv.get(["k", 0])).value, null);
      await b.close();
    });
  });
  await t.step("a value over 64 KiB that only Deno KV can measure", async () => {
    await withKv(async (kv) => {
      const b = new KvBatcher(kv);
      const before = b.run((tx) => tx.set(["a"], 1));
      const huge = b.run((tx) => tx.set(["big"], { blob: "x".repeat(70_000), n: [1, 2] }));
      const after = b.run((tx) => tx.set(["b"], 2));
      await Promise.all([before, after, assert.rejects(huge, /Value too large/)]);
      assert.equal((await kv.get(["a"])).value, 1);
      assert.equal((await kv.get(["b"])).value, 2);
      await b.close();
    });
  });
});

Deno.test("KvBatcher runs a beforeCommit hook once per batch, seeing every job's writes", async () => {
  await withKv(async (kv) => {
    const b = new KvBatcher(kv);
    let hooks = 0;
    const job = (i: number) =>
      b.run(async (tx) => {
        const list = (await tx.get<number[]>(["list"])) ?? [];
        tx.set(["list"], [...list, i]);
        tx.beforeCommit("summary", async (h) => {
          hooks++;
          const all = (await h.get<number[]>(["list"]))!;
          h.set(["summary"], all.length);
        });
      });
    await Promise.all([job(1), job(2), job(3)]);
    assert.equal(hooks, 1);
    assert.deepEqual((await kv.get(["list"])).value, [1, 2, 3]);
    assert.equal((await kv.get(["summary"])).value, 3);
    await b.close();
  });
});

Deno.test("KvBatcher fails only the jobs whose beforeCommit hook throws", async () => {
  await withKv(async (kv) => {
    const b = new KvBatcher(kv);
    const good = b.run((tx) => tx.set(["good"], 1));
    const bad = b.run((tx) => {
      tx.set(["bad"], 1);
      tx.beforeCommit("signer", () => {
        throw new Error("key unavailable");
      });
    });
    await Promise.all([good, assert.rejects(bad, /key unavailable/)]);
    assert.equal((await kv.get(["good"])).value, 1);
    assert.equal((await kv.get(["bad"])).value, null);
    await b.close();
  });
});

Deno.test("KvBatcher prefetches declared keys and supports getMany, delete and expireIn", async () => {
  await withKv(async (kv) => {
    await kv.set(["p", 1], "one");
    await kv.set(["p", 2], "two");
    const b = new KvBatcher(kv);
    const got = await b.submit({
      prefetch: [["p", 1], ["p", 2]],
      async build(tx) {
        const [a, c, missing] = await tx.getMany<string>([["p", 1], ["p", 2], ["p", 3]]);
        tx.delete(["p", 1]);
        tx.set(["t"], "temp", { expireIn: 60_000 });
        return [a, c, missing, await tx.get(["p", 1])];
      },
    });
    assert.deepEqual(got, ["one", "two", null, null]);
    assert.equal((await kv.get(["p", 1])).value, null);
    assert.equal((await kv.get(["t"])).value, "temp");
    await b.close();
  });
});

Deno.test("KvBatcher refuses use of a BatchTx after build returned and work after close", async () => {
  await withKv(async (kv) => {
    const b = new KvBatcher(kv);
    let leaked: BatchTx | undefined;
    await b.run((tx) => {
      leaked = tx;
    });
    assert.throws(() => leaked!.set(["late"], 1), /after the job's build\(\) returned/);
    await b.close();
    await assert.rejects(
      b.run((tx) => tx.set(["x"], 1)),
      (e) => e instanceof AstridError && e.code === "STORE_CLOSED",
    );
  });
});

Deno.test("KvBatcher withdraws a queued job when its signal aborts", async () => {
  await withKv(async (kv) => {
    const b = new KvBatcher(kv);
    const ac = new AbortController();
    ac.abort(new Error("caller gave up"));
    await assert.rejects(b.run((tx) => tx.set(["x"], 1), { signal: ac.signal }), /caller gave up/);
    // Aborting while queued behind a running batch.
    const ac2 = new AbortController();
    const first = b.run(async (tx) => {
      tx.set(["first"], 1);
      await Promise.resolve();
    });
    const second = b.run((tx) => tx.set(["second"], 1), { signal: ac2.signal });
    ac2.abort(new Error("withdrawn"));
    await Promise.all([first, assert.rejects(second, /withdrawn/)]);
    await b.close();
    assert.equal((await kv.get(["second"])).value, null);
  });
});

Deno.test("KvBatcher does not let a job's mutation of a read value leak into the cache", async () => {
  await withKv(async (kv) => {
    const b = new KvBatcher(kv);
    await b.run((tx) => tx.set(["obj"], { n: 1 }));
    await b.run(async (tx) => {
      const o = (await tx.get<{ n: number }>(["obj"]))!;
      o.n = 99; // mutates the returned copy, then writes nothing
    });
    assert.deepEqual(await b.run((tx) => tx.get(["obj"])), { n: 1 });
    await b.close();
  });
});

Deno.test("KvBatcher does not report a failure that was decided on a stale read", async () => {
  await withKv(async (kv, path) => {
    const other = await Deno.openKv(path);
    const b = new KvBatcher(kv);
    try {
      await b.run(async (tx) => {
        await tx.get(["balance"]);
        tx.set(["balance"], 1); // read, then written: cached as 1
      });
      await other.set(["balance"], 5); // the cache is now stale
      let builds = 0;
      const r = await b.run(async (tx) => {
        builds++;
        const n = (await tx.get<number>(["balance"]))!;
        if (n < 3) throw new Error(`insufficient: ${n}`);
        tx.set(["balance"], n - 3);
        return n - 3;
      });
      assert.equal(r, 2);
      assert.equal(builds, 2);
    } finally {
      await b.close();
      other.close();
    }
  });
});
