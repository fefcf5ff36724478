import assert from "node:assert/strict";
import { join } from "node:path";
import { AstridError } from "../../core/mod.ts";
import { KvBatcher } from "../kv_batch.ts";
import { INLINE_BYTES, KvSessionStore, SESSION_KEYS } from "./kv_session_store.ts";
import type { NewSession } from "./session_meta.ts";

async function withStore(
  fn: (store: KvSessionStore, kv: Deno.Kv) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "astrid-sessions-" });
  const kv = await Deno.openKv(join(dir, "state.kv"));
  const batcher = new KvBatcher(kv);
  try {
    await fn(new KvSessionStore(kv, batcher), kv);
  } finally {
    await batcher.close();
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const session = (id: string, extra: Partial<NewSession> = {}): NewSession => ({
  id,
  principal: "alice",
  workspace: "/ws",
  label: "agent",
  rootSessionId: id,
  scope: {
    tools: ["read_file"],
    root: "/ws",
    mode: "safe",
    escapePolicy: "ask",
    budgetMicros: 5_000_000,
    depth: 0,
  },
  createdAt: 1000,
  ...extra,
});

const code = (c: string) => (e: unknown) => e instanceof AstridError && e.code === c;

Deno.test("KvSessionStore.create() refuses an id that exists", async () => {
  await withStore(async (store) => {
    const m = await store.create(session("s1"));
    assert.equal(m.messageCount, 0);
    assert.equal((await store.get("s1"))?.principal, "alice");
    await assert.rejects(store.create(session("s1")), code("SESSION_CONFLICT"));
  });
});

Deno.test("KvSessionStore.append() stores records in order, large ones in pieces", async () => {
  await withStore(async (store) => {
    await store.create(session("s1"));
    const big = "é".repeat(INLINE_BYTES * 2); // 4x INLINE_BYTES of UTF-8
    await store.append("s1", 0, [{ turn: 1, at: 2000, body: { kind: "user", text: "hi" } }]);
    const m = await store.append("s1", 1, [
      { turn: 1, at: 2001, body: { kind: "assistant", text: big } },
      { turn: 1, at: 2002, body: { kind: "user", text: "next" } },
    ], (meta) => ({ ...meta, turnCount: 1 }));
    assert.equal(m.messageCount, 3);
    assert.equal(m.turnCount, 1);
    assert.equal(m.updatedAt, 2002);
    const records = await store.records("s1");
    assert.deepEqual(records.map((r) => r.index), [0, 1, 2]);
    assert.equal((records[1]!.body as { text: string }).text, big);
    assert.deepEqual((await store.records("s1", 2)).map((r) => r.index), [2]);
  });
});

Deno.test("KvSessionStore.append() fails with SESSION_CONFLICT when another writer appended first", async () => {
  await withStore(async (store) => {
    await store.create(session("s1"));
    await store.append("s1", 0, [{ turn: 1, at: 1, body: "a" }]);
    await assert.rejects(
      store.append("s1", 0, [{ turn: 1, at: 2, body: "b" }]),
      code("SESSION_CONFLICT"),
    );
    assert.deepEqual((await store.records("s1")).map((r) => r.body), ["a"]);
  });
});

Deno.test("KvSessionStore.records() refuses a large record with a missing piece", async () => {
  await withStore(async (store, kv) => {
    await store.create(session("s1"));
    await store.append("s1", 0, [{ turn: 1, at: 1, body: "x".repeat(INLINE_BYTES * 2) }]);
    await kv.delete(SESSION_KEYS.chunk("s1", 0, 1));
    await assert.rejects(store.records("s1"), SyntaxError);
  });
});

Deno.test("KvSessionStore.list() filters by principal and sub-agents, newest first", async () => {
  await withStore(async (store) => {
    await store.create(session("a", { createdAt: 1 }));
    await store.create(session("b", { createdAt: 2, principal: "bob" }));
    await store.create(
      session("c", { createdAt: 3, parentSessionId: "a", rootSessionId: "a" }),
    );
    assert.deepEqual((await store.list()).map((m) => m.id), ["c", "b", "a"]);
    assert.deepEqual((await store.list({ principal: "alice" })).map((m) => m.id), ["c", "a"]);
    assert.deepEqual((await store.list({ subagents: false })).map((m) => m.id), ["b", "a"]);
    assert.deepEqual(await store.children("a"), ["c"]);
  });
});

Deno.test("KvSessionStore.delete() removes the session, its sub-agents and everything under them, nothing else", async () => {
  await withStore(async (store, kv) => {
    await store.create(session("a"));
    await store.create(session("c", { parentSessionId: "a", rootSessionId: "a" }));
    await store.create(session("other"));
    await store.append("a", 0, [{ turn: 1, at: 1, body: "x".repeat(INLINE_BYTES * 3) }]);
    await kv.set(["sessions", "a", "denials"], { consecutive: 1 });
    await kv.set(["audit", "e", 1], "entry");
    assert.deepEqual((await store.delete("a")).sort(), ["a", "c"]);
    assert.equal(await store.get("a"), undefined);
    assert.equal(await store.get("c"), undefined);
    for await (const e of kv.list({ prefix: ["sessions", "a"] })) assert.fail(`left ${e.key}`);
    assert.equal((await kv.get(["audit", "e", 1])).value, "entry");
    assert.deepEqual((await store.list()).map((m) => m.id), ["other"]);
    assert.deepEqual(await store.delete("a"), []);
  });
});

Deno.test("KvSessionStore.addUsage() rolls a sub-agent's spending up to every ancestor", async () => {
  await withStore(async (store) => {
    await store.create(session("root"));
    await store.create(session("child", { parentSessionId: "root", rootSessionId: "root" }));
    await store.create(
      session("grandchild", { parentSessionId: "child", rootSessionId: "root" }),
    );
    await store.addUsage("grandchild", { micros: 700, inputTokens: 10, outputTokens: 5 });
    await store.addUsage("child", {
      micros: 0,
      inputTokens: 1,
      outputTokens: 1,
      unpricedModel: "m",
    });
    const [r, c, g] = await Promise.all(["root", "child", "grandchild"].map((id) => store.get(id)));
    assert.equal(r?.spentMicros, 700);
    assert.equal(c?.spentMicros, 700);
    assert.equal(g?.spentMicros, 700);
    assert.deepEqual(g?.usage, { calls: 1, inputTokens: 10, outputTokens: 5, unpricedCalls: 0 });
    assert.deepEqual(c?.unpricedModels, ["m"]);
    assert.equal(c?.usage.unpricedCalls, 1);
    assert.equal(r?.usage.calls, 0, "only the session's own calls are counted in its usage");
  });
});
