import assert from "node:assert/strict";
import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";
import { fromBase64Url, fromHex, toHex, utf8 } from "../../src/core/mod.ts";
import {
  type AuditCheckpoint,
  type AuditDraft,
  checkpointMessage,
  decodeAuditEntry,
  type EntryPlacement,
  sealAuditEntry,
  signCheckpoint,
  storedAuditEntry,
  verifyChain,
} from "../../src/security/audit/mod.ts";
import { createSigner, verifySignature } from "../../src/security/crypto/ed25519.ts";

interface Vectors {
  entries: {
    name: string;
    draft: AuditDraft;
    placement: EntryPlacement;
    encoding: string;
    hash: string;
  }[];
  checkpoint: {
    seedHex: string;
    publicKeyHex: string;
    keyId: string;
    checkpoint: AuditCheckpoint;
    message: string;
  };
}

const vectors: Vectors = JSON.parse(
  await Deno.readTextFile(new URL("../vectors/audit/entry_v1.json", import.meta.url)),
);

Deno.test("sealAuditEntry() reproduces the golden encoding and hash of every vector", async (t) => {
  for (const v of vectors.entries) {
    await t.step(v.name, () => {
      const { entry, stored } = sealAuditEntry(v.draft, v.placement);
      assert.equal(new TextDecoder().decode(stored.subarray(65)), v.encoding);
      assert.equal(entry.hash, v.hash);
      // An independent BLAKE3 (pure JS, @noble/hashes) agrees with the WASM one.
      assert.equal(toHex(nobleBlake3(utf8(v.encoding))), v.hash);
      assert.equal(new TextDecoder().decode(stored.subarray(0, 65)), `${v.hash}\n`);
      assert.deepEqual(decodeAuditEntry(stored, { checkHash: true }), entry);
    });
  }
});

Deno.test("the golden vectors form a chain from the genesis hash", () => {
  assert.equal(vectors.entries[0]!.placement.prevHash, "0".repeat(64));
  for (let i = 1; i < vectors.entries.length; i++) {
    assert.equal(vectors.entries[i]!.placement.prevHash, vectors.entries[i - 1]!.hash);
  }
});

Deno.test("a large diff is recorded as the BLAKE3 and UTF-8 length that b3sum would print", () => {
  const v = vectors.entries[2]!;
  const diff = (v.draft.action as { diff: string }).diff;
  const recorded = JSON.parse(v.encoding.split("\n").slice(3).join("\n")).action.diff;
  assert.deepEqual(recorded, { blake3: toHex(nobleBlake3(utf8(diff))), length: utf8(diff).length });
});

Deno.test("signCheckpoint() reproduces the golden checkpoint message and signature", () => {
  const c = vectors.checkpoint;
  const signer = { keyId: c.keyId, sign: createSigner(fromHex(c.seedHex)) };
  const cp = signCheckpoint(signer, c.checkpoint);
  assert.deepEqual(cp, c.checkpoint);
  assert.equal(new TextDecoder().decode(checkpointMessage(cp)), c.message);
  assert.ok(
    verifySignature(
      fromHex(c.publicKeyHex),
      utf8(c.message),
      fromBase64Url(c.checkpoint.signature),
    ),
  );
});

Deno.test("verifyChain() accepts the golden chain under the golden checkpoint as head", async () => {
  const entries = vectors.entries.map((v) => ({
    seq: v.placement.seq,
    bytes: storedAuditEntry(v.hash, utf8(v.encoding)),
  }));
  const pub = fromHex(vectors.checkpoint.publicKeyHex);
  const verdict = await verifyChain({
    entries,
    head: vectors.checkpoint.checkpoint,
    trusted: (id) => id === vectors.checkpoint.keyId ? pub : undefined,
  });
  assert.equal(verdict.intact, true, JSON.stringify(verdict));
  assert.equal(verdict.length, 3);
});
