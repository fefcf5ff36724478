import assert from "node:assert/strict";
import { getAuditEntry, verifyKvAuditLog } from "../../src/storage/audit/mod.ts";
import { testKey, testKeyring, withTempKv } from "./_helpers.ts";
import { AppendChild } from "./child_process.ts";

const KEYRING = testKeyring(testKey(11));

Deno.test("two processes appending to one KV file at once produce one linear, verifiable chain", async () => {
  await withTempKv(async (kv, path) => {
    const a = new AppendChild(path, 11, "A", 600, 4);
    const b = new AppendChild(path, 11, "B", 600, 4);
    await Promise.all([a.ready, b.ready]);
    await Promise.all([a.go(), b.go()]);
    const [sa, sb] = await Promise.all([a.finished(), b.finished()]);
    assert.equal(sa.code, 0, sa.stderr);
    assert.equal(sb.code, 0, sb.stderr);

    // Every seq from 1 to 1200 was handed out exactly once, to one process or the other.
    const seqs = [...a.committed.keys(), ...b.committed.keys()].sort((x, y) => x - y);
    assert.deepEqual(seqs, Array.from({ length: 1200 }, (_, i) => i + 1));
    // They really raced: at least one commit met the other's (a failed head check or a
    // locked file) and was rebuilt on top of it.
    const contention = [sa.stderr, sb.stderr].map((e) => JSON.parse(e.trim().split("\n").at(-1)!))
      .reduce((n, s) => n + s.conflicts + s.busy, 0);
    let switches = 0;
    for (let s = 2; s <= 1200; s++) if (a.committed.has(s) !== a.committed.has(s - 1)) switches++;
    assert.ok(contention > 0, `no contention between the children (${switches} switches)`);

    const v = await verifyKvAuditLog(kv, { trusted: KEYRING, checkIndex: true });
    assert.equal(v.intact, true, JSON.stringify(v));
    assert.equal(v.length, 1200);
    for (const [child, label] of [[a, "A"], [b, "B"]] as const) {
      for (const [seq, id] of [...child.committed].slice(0, 50)) {
        const e = await getAuditEntry(kv, seq);
        assert.equal(e?.id, id);
        assert.equal(e?.sessionId, label);
      }
    }
  });
});
