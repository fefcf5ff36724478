import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeClock, SeededRandom } from "../../src/core/mod.ts";
import { issueToken, keyIdOf, keyPairFromSeed, signerOf } from "../../src/security/mod.ts";
import { KvTokenStore, type TokenStore } from "../../src/storage/mod.ts";

const kp = keyPairFromSeed(new Uint8Array(32).fill(4));
const keyId = keyIdOf(kp.publicKey);
const signer = signerOf({
  active: { keyId, seed: kp.seed, publicKey: kp.publicKey, createdAt: 0 },
  trusted: new Map(),
});
const random = new SeededRandom(11);
const mint = (resource: string, singleUse = false) =>
  issueToken({
    resource,
    permissions: ["read"],
    scope: "persistent",
    principal: "local",
    auditEntryId: "e",
    auditEntryHash: "h",
    singleUse,
  }, { signer, clock: new FakeClock(), random, ttlMs: 60_000 });

/** The conformance suite every `TokenStore` must pass. */
function conformance(
  name: string,
  open: () => Promise<{ store: TokenStore; close(): Promise<void> }>,
) {
  Deno.test(`${name}: stores, lists and finds candidates by permission and scheme`, async () => {
    const { store, close } = await open();
    try {
      const a = mint("file:///w/**");
      const b = mint("net://example.com:443");
      await store.put(a);
      await store.put(b);
      await assert.rejects(store.put(a), /already exists/, "a token id cannot be overwritten");
      assert.equal((await store.list()).length, 2);
      assert.deepEqual((await store.candidates("read", "file")).map((t) => t.id), [a.id]);
      assert.deepEqual(await store.candidates("write", "file"), []);
      assert.deepEqual(await store.get(b.id), b);
    } finally {
      await close();
    }
  });

  Deno.test(`${name}: revocation is durable and visible in bulk lookups`, async () => {
    const { store, close } = await open();
    try {
      const a = mint("file:///w/**");
      await store.put(a);
      assert.equal(await store.revoke("nope", { at: 1, reason: "x", by: "t" }), false);
      assert.equal(await store.revoke(a.id, { at: 1, reason: "leaked", by: "cli" }), true);
      assert.equal((await store.revocation(a.id))?.reason, "leaked");
      assert.deepEqual([...await store.revokedIds([a.id, "other"])], [a.id]);
    } finally {
      await close();
    }
  });

  Deno.test(`${name}: a single-use token is consumed exactly once`, async () => {
    const { store, close } = await open();
    try {
      const t = mint("file:///w/x", true);
      await store.put(t);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.consume(t.id, 1)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.deepEqual([...await store.consumedIds([t.id])], [t.id]);
    } finally {
      await close();
    }
  });
}

conformance("KvTokenStore (file)", async () => {
  const dir = await Deno.makeTempDir();
  const kv = await Deno.openKv(join(dir, "state.kv"));
  return {
    store: new KvTokenStore(kv),
    async close() {
      kv.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
});

conformance("KvTokenStore (memory)", async () => {
  const kv = await Deno.openKv(":memory:");
  return {
    store: new KvTokenStore(kv),
    close() {
      kv.close();
      return Promise.resolve();
    },
  };
});

Deno.test("KvTokenStore: 50 single-use tokens raced by two processes are each used exactly once", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "state.kv");
  try {
    const kv = await Deno.openKv(path);
    const store = new KvTokenStore(kv);
    const tokens = Array.from({ length: 50 }, (_, i) => mint(`file:///w/${i}`, true));
    for (const t of tokens) await store.put(t);
    kv.close();
    const ids = tokens.map((t) => t.id).join(",");
    const run = () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--unstable-kv", "tests/capability/consume_child.ts", path, ids],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const [a, b] = await Promise.all([run(), run()]);
    for (const o of [a, b]) assert.equal(o.code, 0, new TextDecoder().decode(o.stderr));
    const won = [a, b].flatMap((o) => JSON.parse(new TextDecoder().decode(o.stdout)) as string[]);
    assert.equal(won.length, 50, "every token used once in total");
    assert.equal(new Set(won).size, 50, "no token used twice");
    const kv2 = await Deno.openKv(path);
    try {
      assert.equal(
        await new KvTokenStore(kv2).consume(tokens[0]!.id, 2),
        false,
        "consumption survives restart",
      );
    } finally {
      kv2.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
