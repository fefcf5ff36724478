import assert from "node:assert/strict";
import fc from "fast-check";
import { keyPairFromSeed } from "../crypto/ed25519.ts";
import { keyIdOf, type Signer } from "../keyring.ts";
import { createSigner } from "../crypto/ed25519.ts";
import type { AuditDraft } from "./audit_entry.ts";
import { type AuditCheckpoint, signCheckpoint } from "./audit_checkpoint.ts";
import { sealAuditEntry } from "./seal_audit_entry.ts";
import {
  type ChainVerdict,
  ChainVerifier,
  type StoredAuditEntry,
  verifyChain,
} from "./verify_chain.ts";
import { GENESIS_HASH } from "./audit_entry.ts";

function key(seedByte: number): { signer: Signer; publicKey: Uint8Array } {
  const kp = keyPairFromSeed(new Uint8Array(32).fill(seedByte));
  return {
    signer: { keyId: keyIdOf(kp.publicKey), sign: createSigner(kp.seed) },
    publicKey: kp.publicKey,
  };
}

const ALICE = key(1);
const ROTATED = key(2);
const MALLORY = key(66);

function trust(...keys: { signer: Signer; publicKey: Uint8Array }[]) {
  const m = new Map(keys.map((k) => [k.signer.keyId, k.publicKey]));
  return (id: string) => m.get(id);
}

function draft(i: number, tweak = ""): AuditDraft {
  return {
    sessionId: `s${i % 3}`,
    principal: "user:alice",
    kind: i % 4 === 3 ? "outcome" : "decision",
    action: { kind: "file_read", path: `/work/f${i}${tweak}` },
    decision: i % 5 === 0 ? "deny" : "allow",
    stage: "policy",
  };
}

interface Chain {
  entries: StoredAuditEntry[];
  hashes: string[];
  /** Signed heads at every seq (index = seq), as they were when that entry was last. */
  heads: AuditCheckpoint[];
  checkpoints: AuditCheckpoint[];
}

/** Build a chain like the KV log does: head signed after each entry, checkpoints every `every`. */
function buildChain(
  n: number,
  opts: {
    every?: number;
    signerAt?: (seq: number) => Signer;
    tweak?: (seq: number) => string;
    genesis?: string;
  } = {},
): Chain {
  const every = opts.every ?? 5;
  const out: Chain = { entries: [], hashes: [], heads: [], checkpoints: [] };
  let prev = opts.genesis ?? GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const { entry, stored } = sealAuditEntry(draft(seq, opts.tweak?.(seq) ?? ""), {
      seq,
      prevHash: prev,
      id: `id${seq}`,
      time: 1_000 + seq,
    });
    prev = entry.hash;
    out.entries.push({ seq, bytes: stored });
    out.hashes.push(entry.hash);
    const signer = opts.signerAt?.(seq) ?? ALICE.signer;
    out.heads[seq] = signCheckpoint(signer, { seq, hash: entry.hash, time: 2_000 + seq });
    if (seq % every === 0) out.checkpoints.push(out.heads[seq]!);
  }
  return out;
}

async function verdictOf(
  entries: StoredAuditEntry[],
  head: unknown,
  checkpoints: unknown[],
  extra: {
    trusted?: (id: string) => Uint8Array | undefined;
    expectHead?: { seq: number; hash: string };
  } = {},
): Promise<ChainVerdict> {
  return await verifyChain({
    entries,
    head,
    checkpoints,
    trusted: extra.trusted ?? trust(ALICE),
    expectHead: extra.expectHead,
  });
}

function broken(v: ChainVerdict, seq: number | undefined, problem: string): void {
  assert.equal(v.intact, false, `expected a break, got ${JSON.stringify(v)}`);
  if (v.intact) return;
  assert.equal(v.problem, problem, v.reason);
  assert.equal(v.seq, seq, v.reason);
}

function flip(b: Uint8Array, at: number, xor = 1): Uint8Array {
  const c = b.slice();
  c[at] = c[at]! ^ xor;
  return c;
}

const C = buildChain(25);
const HEAD = C.heads[25]!;

Deno.test("verifyChain() accepts an intact chain and counts its checkpoints", async () => {
  const v = await verdictOf(C.entries, HEAD, C.checkpoints);
  assert.deepEqual(v, { intact: true, length: 25, head: HEAD, checkpoints: 5 });
});

Deno.test("verifyChain() accepts an empty log with no head", async () => {
  assert.deepEqual(await verdictOf([], undefined, []), {
    intact: true,
    length: 0,
    head: undefined,
    checkpoints: 0,
  });
});

Deno.test("verifyChain() finds each kind of tampering and names the first bad entry", async (t) => {
  const e = C.entries;
  await t.step("one byte of an entry's JSON changed", async () => {
    const bytes = e[11]!.bytes;
    const at = bytes.length - 10;
    const mutated = [...e.slice(0, 11), { seq: 12, bytes: flip(bytes, at) }, ...e.slice(12)];
    broken(await verdictOf(mutated, HEAD, C.checkpoints), 12, "hash_mismatch");
  });
  await t.step("one byte of a stored hash changed", async () => {
    const mutated = [...e.slice(0, 4), { seq: 5, bytes: flip(e[4]!.bytes, 3) }, ...e.slice(5)];
    broken(await verdictOf(mutated, HEAD, C.checkpoints), 5, "hash_mismatch");
  });
  await t.step("an entry deleted from the middle", async () => {
    broken(
      await verdictOf([...e.slice(0, 6), ...e.slice(7)], HEAD, C.checkpoints),
      7,
      "missing_entry",
    );
  });
  await t.step("the first entry deleted", async () => {
    broken(await verdictOf(e.slice(1), HEAD, C.checkpoints), 1, "missing_entry");
  });
  await t.step("two entries swapped", async () => {
    const swapped = e.map((x) => x);
    swapped[8] = { seq: 9, bytes: e[9]!.bytes };
    swapped[9] = { seq: 10, bytes: e[8]!.bytes };
    broken(await verdictOf(swapped, HEAD, C.checkpoints), 9, "seq_mismatch");
  });
  await t.step("the tail dropped, head left in place", async () => {
    broken(
      await verdictOf(e.slice(0, 22), HEAD, C.checkpoints.slice(0, 4)),
      23,
      "tail_truncated",
    );
  });
  await t.step("the tail dropped and the head rolled back, a later checkpoint left", async () => {
    broken(
      await verdictOf(e.slice(0, 22), C.heads[22], C.checkpoints),
      23,
      "checkpoint_beyond_tail",
    );
  });
  await t.step("the head rolled back, the entries kept", async () => {
    broken(
      await verdictOf(e, C.heads[22], C.checkpoints.slice(0, 4)),
      23,
      "unsigned_tail",
    );
  });
  await t.step("the head deleted", async () => {
    broken(await verdictOf(e, undefined, C.checkpoints), undefined, "head_missing");
  });
  await t.step("the head malformed", async () => {
    broken(await verdictOf(e, { ...HEAD, hash: "zz" }, C.checkpoints), undefined, "head_malformed");
  });
  await t.step("the head's hash edited", async () => {
    const forged = { ...HEAD, hash: C.hashes[23]! };
    broken(await verdictOf(e, forged, C.checkpoints), 21, "head_signature");
  });
  await t.step("a checkpoint's signature edited", async () => {
    const cps = C.checkpoints.map((c) => c.seq === 15 ? { ...c, time: c.time + 1 } : c);
    broken(await verdictOf(e, HEAD, cps), 11, "checkpoint_signature");
  });
  await t.step("an entry not starting from the genesis hash", async () => {
    const other = buildChain(3, { genesis: "1".repeat(64) });
    broken(await verdictOf(other.entries, other.heads[3], []), 1, "broken_link");
  });
  await t.step("entries re-chained from #13 on without the key", async () => {
    const forged = buildChain(25, { tweak: (s) => (s >= 13 ? "-edited" : "") });
    // Entries are self-consistent; the trusted signatures (head, #15, #20, #25) no longer match.
    broken(await verdictOf(forged.entries, HEAD, C.checkpoints), 11, "checkpoint_mismatch");
  });
  await t.step("everything re-chained and re-signed with another key", async () => {
    const forged = buildChain(25, { tweak: () => "-edited", signerAt: () => MALLORY.signer });
    broken(
      await verdictOf(forged.entries, forged.heads[25], forged.checkpoints),
      1,
      "checkpoint_signature",
    );
  });
  await t.step("everything re-signed with another key claiming the trusted key id", async () => {
    const liar: Signer = { keyId: ALICE.signer.keyId, sign: MALLORY.signer.sign };
    const forged = buildChain(25, { tweak: () => "-edited", signerAt: () => liar });
    broken(
      await verdictOf(forged.entries, forged.heads[25], forged.checkpoints),
      1,
      "checkpoint_signature",
    );
  });
  await t.step("an entry key that is not a number", async () => {
    broken(
      await verdictOf(
        [...e.slice(0, 2), { seq: "x" as unknown as number, bytes: e[2]!.bytes }],
        HEAD,
        [],
      ),
      3,
      "malformed_key",
    );
  });
  await t.step("a value that is not the stored form", async () => {
    broken(
      await verdictOf([e[0]!, { seq: 2, bytes: "hello" as unknown as Uint8Array }], HEAD, []),
      2,
      "malformed_entry",
    );
  });
  await t.step("an entry claiming another encoding version", async () => {
    const b = e[0]!.bytes;
    const at = 65 + "astrid/audit-entry/v".length;
    broken(await verdictOf([{ seq: 1, bytes: flip(b, at, 3) }], HEAD, []), 1, "unknown_encoding");
  });
});

Deno.test("verifyChain() accepts checkpoints from a rotated key that is still trusted", async () => {
  const c = buildChain(20, { signerAt: (s) => (s <= 10 ? ROTATED.signer : ALICE.signer) });
  const ok = await verdictOf(c.entries, c.heads[20], c.checkpoints, {
    trusted: trust(ALICE, ROTATED),
  });
  assert.equal(ok.intact, true, JSON.stringify(ok));
  // Once the rotated key is no longer trusted, what only it signed is unattested.
  broken(await verdictOf(c.entries, c.heads[20], c.checkpoints), 1, "checkpoint_signature");
});

Deno.test("verifyChain() with expectHead detects a consistent rollback", async () => {
  // Entries, head and checkpoints all rolled back to #22: consistent, so only a witness sees it.
  const rolled = await verdictOf(C.entries.slice(0, 22), C.heads[22], C.checkpoints.slice(0, 4));
  assert.equal(rolled.intact, true);
  broken(
    await verdictOf(C.entries.slice(0, 22), C.heads[22], C.checkpoints.slice(0, 4), {
      expectHead: { seq: 25, hash: C.hashes[24]! },
    }),
    23,
    "expected_head",
  );
  broken(
    await verdictOf(C.entries, HEAD, C.checkpoints, { expectHead: { seq: 7, hash: C.hashes[7]! } }),
    7,
    "expected_head",
  );
  const fine = await verdictOf(C.entries, HEAD, C.checkpoints, {
    expectHead: { seq: 7, hash: C.hashes[6]! },
  });
  assert.equal(fine.intact, true);
});

Deno.test("ChainVerifier.checkIndex() finds missing, duplicated and wrong index rows", async () => {
  const v = new ChainVerifier();
  for (const x of C.entries) v.push(x.seq, x.bytes);
  const rows = C.hashes.map((hash, i) => ({ seq: i + 1, hash }));
  assert.equal(await v.checkIndex(rows), undefined);
  assert.equal((await v.checkIndex(rows.filter((r) => r.seq !== 4)))?.seq, 4);
  assert.equal((await v.checkIndex([...rows, rows[2]!]))?.seq, 3);
  const wrong = rows.map((r) => r.seq === 9 ? { ...r, hash: rows[0]!.hash } : r);
  assert.equal((await v.checkIndex(wrong))?.problem, "index_mismatch");
  // Rows for entries appended after the scan are not an error.
  assert.equal(await v.checkIndex([...rows, { seq: 26, hash: "x" }]), undefined);
});

Deno.test("property: any change to any byte of any stored entry fails verification", async () => {
  const chain = buildChain(8, { every: 4 });
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 7 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      fc.constantFrom("xor", "delete", "insert"),
      async (index, pos, value, op) => {
        const bytes = chain.entries[index]!.bytes;
        const at = pos % bytes.length;
        let mutated: Uint8Array;
        if (op === "xor") mutated = flip(bytes, at, value);
        else if (op === "delete") {
          mutated = new Uint8Array([...bytes.slice(0, at), ...bytes.slice(at + 1)]);
        } else mutated = new Uint8Array([...bytes.slice(0, at), value, ...bytes.slice(at)]);
        const entries = chain.entries.map((e, i) =>
          i === index ? { seq: e.seq, bytes: mutated } : e
        );
        const v = await verdictOf(entries, chain.heads[8], chain.checkpoints);
        return !v.intact && v.seq === index + 1;
      },
    ),
    { numRuns: 400 },
  );
});
