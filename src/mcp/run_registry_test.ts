import assert from "node:assert/strict";
import { McpRunRegistry } from "./run_registry.ts";

Deno.test("McpRunRegistry lists live servers, drops dead ones, and unregisters", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const dead = new Set<number>();
    const registry = new McpRunRegistry(kv, (pid) => !dead.has(pid));
    const entry = { server: "gh", pid: 101, hostPid: 1, startedAt: 5 };
    const unregister = await registry.register(entry);
    await registry.register({ server: "fs", capsule: "files", pid: 102, hostPid: 1, startedAt: 6 });
    await registry.register({ server: "crashed", pid: 103, hostPid: 9, startedAt: 7 });
    dead.add(9); // its host died
    assert.deepEqual((await registry.list()).map((r) => r.server), ["fs", "gh"]);
    assert.deepEqual((await registry.list("gh")).map((r) => r.pid), [101]);
    dead.delete(9);
    assert.deepEqual(await registry.list("crashed"), [], "a stale entry was removed, not hidden");
    await unregister();
    assert.deepEqual((await registry.list()).map((r) => r.server), ["fs"]);
  } finally {
    kv.close();
  }
});
