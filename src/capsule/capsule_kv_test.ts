import assert from "node:assert/strict";
import { type CapsuleKv, MemoryCapsuleKv } from "./capsule_kv.ts";
import { DenoCapsuleKv } from "./deno_capsule_kv.ts";

/** One suite that every CapsuleKv must pass. */
async function conformance(t: Deno.TestContext, kv: CapsuleKv) {
  await t.step("get of a missing key is null", async () => {
    assert.equal(await kv.get("a", "missing"), null);
  });
  await t.step("set then get round-trips, null deletes", async () => {
    await kv.set("a", "k", "v1");
    assert.equal(await kv.get("a", "k"), "v1");
    await kv.set("a", "k", "v2");
    assert.equal(await kv.get("a", "k"), "v2");
    await kv.set("a", "k", null);
    assert.equal(await kv.get("a", "k"), null);
  });
  await t.step("namespaces are isolated, whatever the key looks like", async () => {
    await kv.set("a", "shared", "from a");
    assert.equal(await kv.get("b", "shared"), null);
    await kv.set("a", "x\0b", "tricky");
    assert.equal(await kv.get("a\0x", "b"), null);
    assert.equal(await kv.get("b", "x\0b"), null);
    await kv.set("b", "shared", "from b");
    assert.equal(await kv.get("a", "shared"), "from a");
  });
}

Deno.test("MemoryCapsuleKv passes the CapsuleKv suite", async (t) => {
  await conformance(t, new MemoryCapsuleKv());
});

Deno.test("DenoCapsuleKv passes the CapsuleKv suite under [capsule_kv, id, key]", async (t) => {
  const kv = await Deno.openKv(":memory:");
  try {
    await conformance(t, new DenoCapsuleKv(kv));
    await new DenoCapsuleKv(kv).set("cap", "k", "v");
    assert.equal((await kv.get(["capsule_kv", "cap", "k"])).value, "v");
  } finally {
    kv.close();
  }
});
