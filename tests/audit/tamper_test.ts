/**
 * Tampering with a real KV file, detected both by verifyKvAuditLog() and by
 * `astrid audit verify` (exit 1, naming the first bad entry).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeClock, SeededRandom } from "../../src/core/mod.ts";
import {
  type AuditCheckpoint,
  decodeAuditEntry,
  GENESIS_HASH,
  sealAuditEntry,
  signCheckpoint,
} from "../../src/security/audit/mod.ts";
import { type Keyring, type Signer, signerOf } from "../../src/security/keyring.ts";
import {
  AUDIT_CHECKPOINT_PREFIX,
  AUDIT_HEAD_KEY,
  auditCheckpointKey,
  auditEntryKey,
  readAuditHead,
  verifyKvAuditLog,
} from "../../src/storage/audit/mod.ts";
import { generateKey } from "../../src/storage/mod.ts";
import { runCli } from "../../src/frontends/cli/program.ts";
import { CapturedIo } from "../../src/frontends/cli/context.ts";
import { fillLog, testKey } from "./_helpers.ts";

interface Home {
  home: string;
  kv: Deno.Kv;
  keyring: Keyring;
  /** Genuine signed heads saved while the log grew, by seq. */
  heads: Map<number, AuditCheckpoint>;
}

const N = 40;

/** A home with a key and a 40-entry log (checkpoints every 10), genuine heads saved at 30 and 33. */
async function withLog(fn: (h: Home) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "astrid-tamper-" });
  const { keyring } = await generateKey(home, {
    clock: new FakeClock(),
    random: new SeededRandom(5),
  });
  const kv = await Deno.openKv(join(home, "state.kv"));
  const heads = new Map<number, AuditCheckpoint>();
  try {
    let done = 0;
    for (const upTo of [30, 33, N]) {
      await fillLog(kv, upTo - done, keyring, { checkpointEvery: 10, seed: upTo });
      done = upTo;
      heads.set(upTo, (await readAuditHead(kv))!);
    }
    await fn({ home, kv, keyring, heads });
  } finally {
    kv.close();
    await Deno.remove(home, { recursive: true });
  }
}

async function cli(home: string, ...args: string[]) {
  const io = new CapturedIo();
  const code = await runCli(["audit", "verify", ...args], {
    io,
    env: { ASTRID_HOME: home },
    cwd: home,
  });
  return { code, out: io.out, err: io.err };
}

/** Both verifiers find the break at `seq` with `problem`. */
async function expectBreak(h: Home, seq: number | undefined, problem: string): Promise<void> {
  const v = await verifyKvAuditLog(h.kv, { trusted: h.keyring });
  assert.equal(v.intact, false, `not detected: ${JSON.stringify(v)}`);
  if (v.intact) return;
  assert.equal(v.problem, problem, v.reason);
  assert.equal(v.seq, seq, v.reason);
  const text = await cli(h.home);
  assert.equal(text.code, 1, text.out + text.err);
  assert.match(text.out, new RegExp(`TAMPERED${seq === undefined ? "" : ` at entry #${seq}:`}`));
  assert.ok(text.out.includes(`[${problem}]`), text.out);
  const json = await cli(h.home, "--json");
  assert.equal(json.code, 1);
  assert.deepEqual(
    (({ intact, seq, problem }) => ({ intact, seq, problem }))(JSON.parse(json.out)),
    { intact: false, seq: seq ?? null, problem },
  );
}

async function stored(kv: Deno.Kv, seq: number): Promise<Uint8Array> {
  const v = (await kv.get<Uint8Array>(auditEntryKey(seq))).value;
  assert.ok(v instanceof Uint8Array, `entry #${seq} missing`);
  return v;
}

Deno.test("an untouched log verifies: exit 0 from astrid audit verify", async () => {
  await withLog(async (h) => {
    const r = await cli(h.home);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /audit chain intact: 40 entries, 4 checkpoints/);
    const v = await verifyKvAuditLog(h.kv, { trusted: h.keyring, checkIndex: true });
    assert.equal(v.intact, true);
  });
});

Deno.test("changing one byte of any entry is detected at that entry", async () => {
  await withLog(async (h) => {
    const rnd = new SeededRandom(42);
    for (let seq = 1; seq <= N; seq++) {
      const original = await stored(h.kv, seq);
      const at = (rnd.bytes(2)[0]! << 8 | rnd.bytes(1)[0]!) % original.length;
      const mutated = original.slice();
      mutated[at] = mutated[at]! ^ (1 + (rnd.bytes(1)[0]! % 255));
      await h.kv.set(auditEntryKey(seq), mutated);
      const v = await verifyKvAuditLog(h.kv, { trusted: h.keyring });
      assert.ok(!v.intact && v.seq === seq, `byte ${at} of #${seq}: ${JSON.stringify(v)}`);
      if (seq === 1 || seq === 27) {
        const r = await cli(h.home);
        assert.equal(r.code, 1);
        assert.match(r.out, new RegExp(`at entry #${seq}:`));
      }
      await h.kv.set(auditEntryKey(seq), original);
    }
    assert.equal((await verifyKvAuditLog(h.kv, { trusted: h.keyring })).intact, true);
  });
});

Deno.test("a single edited JSON field (deny rewritten to allow) is detected", async () => {
  await withLog(async (h) => {
    const text = new TextDecoder().decode(await stored(h.kv, 5));
    assert.ok(text.includes('"decision":"deny"'));
    await h.kv.set(
      auditEntryKey(5),
      new TextEncoder().encode(text.replace('"decision":"deny"', '"decision":"allw"')),
    );
    await expectBreak(h, 5, "hash_mismatch");
  });
});

Deno.test("a deleted entry is detected at its seq", async () => {
  await withLog(async (h) => {
    await h.kv.delete(auditEntryKey(17));
    await expectBreak(h, 17, "missing_entry");
  });
});

Deno.test("two reordered entries are detected at the first of them", async () => {
  await withLog(async (h) => {
    const [a, b] = [await stored(h.kv, 8), await stored(h.kv, 9)];
    await h.kv.set(auditEntryKey(8), b);
    await h.kv.set(auditEntryKey(9), a);
    await expectBreak(h, 8, "seq_mismatch");
  });
});

Deno.test("a dropped tail is detected however the head is rolled back", async (t) => {
  const dropFrom = async (kv: Deno.Kv, from: number) => {
    for (let s = from; s <= N; s++) await kv.delete(auditEntryKey(s));
  };
  await t.step("entries removed, head left", async () => {
    await withLog(async (h) => {
      await dropFrom(h.kv, 36);
      await h.kv.delete(auditCheckpointKey(40));
      await expectBreak(h, 36, "tail_truncated");
    });
  });
  await t.step("entries removed past an older genuine head", async () => {
    await withLog(async (h) => {
      await dropFrom(h.kv, 36);
      await h.kv.delete(auditCheckpointKey(40));
      await h.kv.set(AUDIT_HEAD_KEY, h.heads.get(33));
      await expectBreak(h, 34, "unsigned_tail");
    });
  });
  await t.step("entries and head rolled back together, a later checkpoint left", async () => {
    await withLog(async (h) => {
      await dropFrom(h.kv, 31);
      await h.kv.set(AUDIT_HEAD_KEY, h.heads.get(30));
      await expectBreak(h, 31, "checkpoint_beyond_tail");
    });
  });
  await t.step("a fully consistent rollback is only caught with --expect-head", async () => {
    await withLog(async (h) => {
      const witness = h.heads.get(N)!;
      await dropFrom(h.kv, 31);
      await h.kv.delete(auditCheckpointKey(40));
      await h.kv.set(AUDIT_HEAD_KEY, h.heads.get(30));
      // The documented limit: nothing in the file contradicts the rollback.
      assert.equal((await cli(h.home)).code, 0);
      const r = await cli(h.home, "--expect-head", `${witness.seq}:${witness.hash}`);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /TAMPERED at entry #31: .*rolled back or truncated \[expected_head\]/);
    });
  });
  await t.step("the head deleted", async () => {
    await withLog(async (h) => {
      await h.kv.delete(AUDIT_HEAD_KEY);
      await expectBreak(h, undefined, "head_missing");
    });
  });
});

/** Rewrite the whole chain (entry 5 edited) and sign head and checkpoints with `signer`. */
async function rechain(h: Home, signer: Signer): Promise<void> {
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= N; seq++) {
    const e = decodeAuditEntry(await stored(h.kv, seq));
    const draft = seq === 5 ? { ...e, decision: "allow", proof: { reason: "approved" } } : e;
    const { entry, stored: bytes } = sealAuditEntry(draft as never, {
      seq,
      prevHash: prev,
      id: e.id,
      time: e.time,
    });
    prev = entry.hash;
    await h.kv.set(auditEntryKey(seq), bytes);
    if (seq % 10 === 0) {
      await h.kv.set(auditCheckpointKey(seq), signCheckpoint(signer, { seq, hash: prev, time: 1 }));
    }
  }
  await h.kv.set(AUDIT_HEAD_KEY, signCheckpoint(signer, { seq: N, hash: prev, time: 2 }));
}

Deno.test("a chain rewritten and re-signed with another key is rejected", async (t) => {
  const mallory = testKey(66);
  await t.step("under the attacker's own key id", async () => {
    await withLog(async (h) => {
      await rechain(h, {
        keyId: mallory.keyId,
        sign: signerOf({ active: mallory, trusted: new Map() }).sign,
      });
      await expectBreak(h, 1, "checkpoint_signature");
    });
  });
  await t.step("claiming the runtime's key id", async () => {
    await withLog(async (h) => {
      const liar = {
        keyId: h.keyring.active.keyId,
        sign: signerOf({ active: mallory, trusted: new Map() }).sign,
      };
      await rechain(h, liar);
      await expectBreak(h, 1, "checkpoint_signature");
    });
  });
  await t.step("with the checkpoints deleted, the head alone exposes it", async () => {
    await withLog(async (h) => {
      await rechain(h, {
        keyId: mallory.keyId,
        sign: signerOf({ active: mallory, trusted: new Map() }).sign,
      });
      for await (const r of h.kv.list({ prefix: AUDIT_CHECKPOINT_PREFIX })) {
        await h.kv.delete(r.key);
      }
      await expectBreak(h, 1, "head_signature");
    });
  });
});

Deno.test("a log signed before and after a key rotation verifies while the old key stays trusted", async () => {
  await withLog(async (h) => {
    const { keyring } = await generateKey(h.home, {
      force: true,
      clock: new FakeClock(Date.UTC(2026, 5, 1)),
      random: new SeededRandom(77),
    });
    assert.notEqual(keyring.active.keyId, h.keyring.active.keyId);
    await fillLog(h.kv, 25, keyring, { checkpointEvery: 10, seed: 9 });
    const r = await cli(h.home);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`signed by ${keyring.active.keyId}`));
    // Without the old key, what only it signed (checkpoints 10..40) is no longer attested.
    const newOnly = await verifyKvAuditLog(h.kv, {
      trusted: (id) => (id === keyring.active.keyId ? keyring.active.publicKey : undefined),
    });
    assert.ok(!newOnly.intact && newOnly.problem === "checkpoint_signature");
  });
});
