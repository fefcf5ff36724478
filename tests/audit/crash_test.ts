import assert from "node:assert/strict";
import { getAuditEntry, verifyKvAuditLog } from "../../src/storage/audit/mod.ts";
import { testKey, testKeyring, withTempKv } from "./_helpers.ts";
import { AppendChild } from "./child_process.ts";

const KEYRING = testKeyring(testKey(12));

async function crashAfter(path: string, label: string, committed: number) {
  const child = new AppendChild(path, 12, label, 0, 16);
  await child.ready;
  await child.go();
  await child.waitFor(committed);
  child.kill();
  const status = await child.finished();
  assert.equal(status.signal, "SIGKILL", `the child was not killed: ${status.stderr}`);
  return child.committed;
}

Deno.test("kill -9 in the middle of a stream of appends loses no committed entry and breaks nothing", async () => {
  await withTempKv(async (kv, path) => {
    // Crash twice; the second process continues the chain the first one left.
    const first = await crashAfter(path, "first", 150);
    const second = await crashAfter(path, "second", 300);

    const v = await verifyKvAuditLog(kv, { trusted: KEYRING, checkIndex: true });
    assert.equal(v.intact, true, JSON.stringify(v));
    for (const [label, committed] of [["first", first], ["second", second]] as const) {
      assert.ok(committed.size >= 150, `${label}: only ${committed.size} committed`);
      for (const [seq, id] of committed) {
        assert.ok(seq <= v.length, `${label}: committed #${seq} is beyond the chain (${v.length})`);
        const e = await getAuditEntry(kv, seq);
        assert.equal(e?.id, id, `${label}: committed entry #${seq} is missing or different`);
        assert.equal(e?.sessionId, label);
      }
    }
    // The second process started where the first stopped: its seqs all come later.
    assert.ok(Math.min(...second.keys()) > Math.max(...first.keys()));
  });
});
