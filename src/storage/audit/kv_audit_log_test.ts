import assert from "node:assert/strict";
import { join } from "node:path";
import { AstridError, FakeClock, SeededRandom } from "../../core/mod.ts";
import { type AuditDraft, GENESIS_HASH } from "../../security/audit/mod.ts";
import { keyPairFromSeed } from "../../security/crypto/ed25519.ts";
import { keyIdOf, type Keyring, type Signer, signerOf } from "../../security/keyring.ts";
import { KvBatcher } from "../kv_batch.ts";
import {
  AUDIT_HEAD_KEY,
  AUDIT_LAST_VERIFY_KEY,
  auditStats,
  getAuditEntry,
  KvAuditLog,
  listAuditEntries,
  readAuditHead,
  verifyKvAuditLog,
} from "./mod.ts";

const kp = keyPairFromSeed(new Uint8Array(32).fill(5));
const active = {
  keyId: keyIdOf(kp.publicKey),
  seed: kp.seed,
  publicKey: kp.publicKey,
  createdAt: 0,
};
const KEYRING: Keyring = {
  active,
  trusted: new Map([[active.keyId, {
    keyId: active.keyId,
    publicKey: kp.publicKey,
    createdAt: 0,
  }]]),
};

async function withKv(fn: (kv: Deno.Kv, path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "astrid-auditlog-" });
  const kv = await Deno.openKv(join(dir, "state.kv"));
  try {
    await fn(kv, join(dir, "state.kv"));
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function countingSigner(): Signer & { calls: number } {
  const inner = signerOf(KEYRING);
  const s = {
    keyId: inner.keyId,
    calls: 0,
    sign(m: Uint8Array) {
      s.calls++;
      return inner.sign(m);
    },
  };
  return s;
}

function draft(i: number, over: Partial<AuditDraft> = {}): AuditDraft {
  return {
    sessionId: `s${i % 2}`,
    principal: "user:alice",
    kind: "decision",
    action: { kind: i % 3 === 0 ? "file_write" : "file_read", path: `/w/${i}` },
    decision: i % 4 === 0 ? "deny" : "allow",
    stage: "policy",
    ...over,
  };
}

function newLog(
  kv: Deno.Kv,
  extra: { signer?: Signer; checkpointEvery?: number; batcher?: KvBatcher } = {},
) {
  return new KvAuditLog(kv, {
    signer: extra.signer ?? signerOf(KEYRING),
    clock: new FakeClock(1_000_000),
    random: new SeededRandom(3),
    checkpointEvery: extra.checkpointEvery ?? 10,
    batcher: extra.batcher,
  });
}

Deno.test("KvAuditLog chains 200 concurrent appends in one order, signing the head once per commit", async () => {
  await withKv(async (kv) => {
    const signer = countingSigner();
    const log = newLog(kv, { signer, checkpointEvery: 1000 });
    const entries = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(draft(i))));
    await log.close();
    assert.deepEqual(entries.map((e) => e.seq), Array.from({ length: 200 }, (_, i) => i + 1));
    assert.equal(entries[0]!.prevHash, GENESIS_HASH);
    for (let i = 1; i < 200; i++) assert.equal(entries[i]!.prevHash, entries[i - 1]!.hash);
    assert.ok(log.batcher.stats.commits < 10, `commits ${log.batcher.stats.commits}`);
    assert.equal(signer.calls, log.batcher.stats.commits);
    const head = await readAuditHead(kv);
    assert.equal(head?.seq, 200);
    assert.equal(head?.hash, entries[199]!.hash);
    const v = await verifyKvAuditLog(kv, { trusted: KEYRING, checkIndex: true });
    assert.equal(v.intact, true, JSON.stringify(v));
    assert.equal(v.length, 200);
  });
});

Deno.test("KvAuditLog keeps a signed checkpoint every checkpointEvery entries", async () => {
  await withKv(async (kv) => {
    const log = newLog(kv, { checkpointEvery: 10 });
    for (let i = 0; i < 35; i++) await log.append(draft(i));
    await log.close();
    const seqs: unknown[] = [];
    for await (const r of kv.list({ prefix: ["audit", "cp"] })) seqs.push(r.key[2]);
    assert.deepEqual(seqs, [10, 20, 30]);
    const v = await verifyKvAuditLog(kv, { trusted: KEYRING });
    assert.ok(v.intact && v.checkpoints === 3);
  });
});

Deno.test("a decision job's budget write and audit entry commit together or not at all", async () => {
  await withKv(async (kv) => {
    const batcher = new KvBatcher(kv);
    const log = newLog(kv, { batcher });
    const decide = (spend: number, fail: boolean) =>
      batcher.run(async (tx) => {
        const spent = (await tx.get<number>(["budget", "s0"])) ?? 0;
        tx.set(["budget", "s0"], spent + spend);
        const entry = await log.appendIn(tx, draft(spend));
        if (fail) throw new Error("interceptor bug after the append");
        return entry;
      });
    const failed = decide(7, true);
    const ok = decide(5, false);
    await assert.rejects(failed, /interceptor bug/);
    const entry = await ok;
    // The failed job left nothing: no budget, no entry, no hole in the chain.
    assert.equal((await kv.get(["budget", "s0"])).value, 5);
    assert.equal(entry.seq, 1);
    assert.equal((await verifyKvAuditLog(kv, { trusted: KEYRING })).intact, true);
    await log.close();
    await batcher.close();
  });
});

Deno.test("KvAuditLog refuses to append over a malformed chain head (fails closed)", async () => {
  await withKv(async (kv) => {
    await kv.set(AUDIT_HEAD_KEY, { seq: "7", hash: "nope" });
    const log = newLog(kv);
    await assert.rejects(
      log.append(draft(1)),
      (e) => e instanceof AstridError && e.code === "AUDIT_CHAIN_BROKEN",
    );
    await log.close();
  });
});

Deno.test("appends through two KV handles of one file still form one linear chain", async () => {
  await withKv(async (kv, path) => {
    const other = await Deno.openKv(path);
    const a = newLog(kv);
    const b = new KvAuditLog(other, {
      signer: signerOf(KEYRING),
      clock: new FakeClock(2_000_000),
      random: new SeededRandom(99),
      checkpointEvery: 10,
    });
    try {
      const all = await Promise.all([
        ...Array.from({ length: 60 }, (_, i) => a.append(draft(i))),
        ...Array.from({ length: 60 }, (_, i) => b.append(draft(i, { sessionId: "other" }))),
      ]);
      assert.deepEqual(
        all.map((e) => e.seq).sort((x, y) => x - y),
        Array.from({ length: 120 }, (_, i) => i + 1),
      );
      const v = await verifyKvAuditLog(kv, { trusted: KEYRING, checkIndex: true });
      assert.equal(v.intact, true, JSON.stringify(v));
      assert.equal(v.length, 120);
    } finally {
      await a.close();
      await b.close();
      other.close();
    }
  });
});

Deno.test("verifyKvAuditLog() does not report appends that land during the scan as tampering", async () => {
  await withKv(async (kv, path) => {
    const writerKv = await Deno.openKv(path);
    const log = newLog(writerKv);
    try {
      for (let i = 0; i < 300; i++) await log.append(draft(i));
      const more = Promise.all(Array.from({ length: 400 }, (_, i) => log.append(draft(i))));
      const verdicts = [];
      for (let i = 0; i < 5; i++) verdicts.push(await verifyKvAuditLog(kv, { trusted: KEYRING }));
      await more;
      for (const v of verdicts) assert.equal(v.intact, true, JSON.stringify(v));
    } finally {
      await log.close();
      writerKv.close();
    }
  });
});

Deno.test("verifyKvAuditLog() records the result under audit/meta/last_verify", async () => {
  await withKv(async (kv) => {
    const log = newLog(kv);
    await log.append(draft(1));
    await log.close();
    await verifyKvAuditLog(kv, { trusted: KEYRING, record: { clock: new FakeClock(42) } });
    const rec = (await kv.get<Record<string, unknown>>(AUDIT_LAST_VERIFY_KEY)).value!;
    assert.equal(rec.time, 42);
    assert.equal(rec.intact, true);
    assert.equal(rec.length, 1);
    assert.equal(rec.headSeq, 1);
  });
});

Deno.test("getAuditEntry(), listAuditEntries() and auditStats() read what was appended", async () => {
  await withKv(async (kv) => {
    const clock = new FakeClock(1_000);
    const log = new KvAuditLog(kv, {
      signer: signerOf(KEYRING),
      clock,
      random: new SeededRandom(1),
    });
    const entries = [];
    for (let i = 0; i < 12; i++) {
      clock.advance(1_000);
      entries.push(await log.append(draft(i)));
    }
    entries.push(
      await log.append({
        sessionId: "s1",
        principal: "user:alice",
        kind: "outcome",
        outcome: { ok: false, error: "boom" },
        links: { decisionId: entries[11]!.id, decisionSeq: 12 },
      }),
    );
    await log.close();

    assert.deepEqual(await getAuditEntry(kv, 3), entries[2]);
    assert.deepEqual(await getAuditEntry(kv, entries[4]!.id), entries[4]);
    assert.equal(await getAuditEntry(kv, 99), undefined);
    assert.equal(await getAuditEntry(kv, "no-such-id"), undefined);

    const seqs = async (f: Parameters<typeof listAuditEntries>[1]) => {
      const out: number[] = [];
      for await (const e of listAuditEntries(kv, f)) out.push(e.seq);
      return out;
    };
    assert.deepEqual(await seqs({ sessionId: "s0" }), [1, 3, 5, 7, 9, 11]);
    assert.deepEqual(await seqs({ decision: "deny" }), [1, 5, 9]);
    assert.deepEqual(await seqs({ kind: "outcome" }), [13]);
    assert.deepEqual(await seqs({ kind: "file_write" }), [1, 4, 7, 10]);
    assert.deepEqual(await seqs({ since: 4_000, until: 7_000 }), [3, 4, 5]);
    assert.deepEqual(await seqs({ limit: 2, newestFirst: true }), [13, 12]);
    assert.deepEqual(await seqs({ sessionId: "s1", limit: 2, newestFirst: true }), [13, 12]);

    const stats = await auditStats(kv);
    assert.equal(stats.length, 13);
    assert.deepEqual(stats.byDecision, { deny: 3, allow: 9, "(none)": 1 });
    assert.deepEqual(stats.byKind, { decision: 12, outcome: 1 });
    assert.deepEqual(stats.bySession, { s0: 6, s1: 7 });
    assert.deepEqual(stats.byActionKind, { file_write: 4, file_read: 8 });
    assert.equal(stats.head?.seq, 13);
  });
});

Deno.test("auditStats() counts a session called __proto__ like any other", async () => {
  await withKv(async (kv) => {
    const log = newLog(kv);
    await log.append(draft(1, { sessionId: "__proto__" }));
    await log.close();
    const stats = await auditStats(kv);
    assert.equal(Object.getOwnPropertyDescriptor(stats.bySession, "__proto__")?.value, 1);
  });
});
