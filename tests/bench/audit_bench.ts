/**
 * Audit log benchmarks on a Deno KV file (one fsync per commit).
 *
 *   deno bench --allow-all tests/bench/audit_bench.ts
 *   AUDIT_BENCH_ENTRIES=200000 deno bench --allow-all tests/bench/audit_bench.ts
 *
 * - "append, single caller": one bare `kv.atomic()` commit of the same stored
 *   entry bytes, side by side with one `KvAuditLog.append()` awaited alone
 *   (head read through the batch overlay and checked, entry + session index +
 *   id lookup + head, head signed once). Target: within 1.3x.
 * - "append, 200 in flight": 200 callers each awaiting their own durable
 *   append. Entries/s = 200 / (time per iteration). Target: >= 20,000/s.
 * - "verify": `verifyKvAuditLog()` over a log of AUDIT_BENCH_ENTRIES entries
 *   (default 1,000,000), built once in setup by writing sealed entries,
 *   checkpoints (every 1,000) and the signed head directly in large commits:
 *   the bytes verify reads are exactly what appends write; the per-session
 *   index and id rows are not written since verify does not read them.
 *   Entries/s = entries / (time per iteration). Target: >= 100,000/s.
 */

import { join } from "node:path";
import { FakeClock, SeededRandom } from "../../src/core/mod.ts";
import {
  type AuditDraft,
  GENESIS_HASH,
  sealAuditEntry,
  signCheckpoint,
} from "../../src/security/audit/mod.ts";
import { keyPairFromSeed } from "../../src/security/crypto/ed25519.ts";
import { keyIdOf, type Keyring, signerOf } from "../../src/security/keyring.ts";
import {
  AUDIT_HEAD_KEY,
  auditCheckpointKey,
  auditEntryKey,
  KvAuditLog,
  verifyKvAuditLog,
} from "../../src/storage/audit/mod.ts";

const kp = keyPairFromSeed(new Uint8Array(32).fill(7));
const key = { keyId: keyIdOf(kp.publicKey), seed: kp.seed, publicKey: kp.publicKey, createdAt: 0 };
const keyring: Keyring = {
  active: key,
  trusted: new Map([[key.keyId, { keyId: key.keyId, publicKey: key.publicKey, createdAt: 0 }]]),
};
const signer = signerOf(keyring);

/** A typical decision entry; its stored form is about 340 bytes. */
function draft(i: number): AuditDraft {
  return {
    sessionId: `sess-${i % 16}`,
    principal: "user:alice",
    kind: "decision",
    action: { kind: "file_write", path: `/home/alice/project/src/file${i % 1000}.ts` },
    decision: "allow",
    stage: "token",
    proof: { via: "token", tokenId: `tok-${i % 100}` },
  };
}

const dir = Deno.makeTempDirSync({ prefix: "astrid-bench-audit-" });
const appendKv = await Deno.openKv(join(dir, "append.kv"));
const log = new KvAuditLog(appendKv, { signer });
const sample = sealAuditEntry(draft(1), {
  seq: 1,
  prevHash: GENESIS_HASH,
  id: "0123456789abcdef0123456789abcdef",
  time: Date.now(),
}).stored;
console.log(`stored entry size: ${sample.length} bytes`);
let n = 0;

// The large log for verify, built once.
const N = Number(Deno.env.get("AUDIT_BENCH_ENTRIES") ?? 1_000_000);
const verifyKv = await Deno.openKv(join(dir, "verify.kv"));
{
  const t0 = performance.now();
  const clock = new FakeClock();
  const random = new SeededRandom(1);
  let prev = GENESIS_HASH;
  for (let s = 1; s <= N;) {
    const op = verifyKv.atomic();
    for (let k = 0; k < 900 && s <= N; k++, s++) {
      const { entry, stored } = sealAuditEntry(draft(s), {
        seq: s,
        prevHash: prev,
        id: Array.from(random.bytes(16), (b) => b.toString(16).padStart(2, "0")).join(""),
        time: clock.now() + s,
      });
      prev = entry.hash;
      op.set(auditEntryKey(s), stored);
      if (s % 1000 === 0) {
        op.set(auditCheckpointKey(s), signCheckpoint(signer, { seq: s, hash: prev, time: 0 }));
      }
    }
    op.set(AUDIT_HEAD_KEY, signCheckpoint(signer, { seq: s - 1, hash: prev, time: 0 }));
    const r = await op.commit();
    if (!r.ok) throw new Error("building the verify log failed");
  }
  console.log(`built a ${N}-entry log in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

globalThis.addEventListener("unload", () => {
  appendKv.close();
  verifyKv.close();
  Deno.removeSync(dir, { recursive: true });
});

Deno.bench({
  name: "bare kv.atomic().set(stored entry).commit()",
  group: "append, single caller",
  baseline: true,
  async fn() {
    await appendKv.atomic().set(["bare", n++], sample).commit();
  },
});

Deno.bench({
  name: "KvAuditLog.append() through the batcher",
  group: "append, single caller",
  async fn() {
    await log.append(draft(n++));
  },
});

Deno.bench({
  name: "200 concurrent KvAuditLog.append() (each awaits its own commit)",
  group: "append, 200 in flight",
  async fn() {
    await Promise.all(Array.from({ length: 200 }, () => log.append(draft(n++))));
  },
});

Deno.bench({
  name: `verifyKvAuditLog() over ${N} entries`,
  group: "verify",
  n: 3,
  warmup: 1,
  async fn() {
    const v = await verifyKvAuditLog(verifyKv, { trusted: keyring });
    if (!v.intact || v.length !== N) throw new Error(`unexpected verdict ${JSON.stringify(v)}`);
  },
});
