/**
 * Prints the audit golden vectors (entry_v1.json) from the current code.
 * Run only when the encoding version changes, review the diff by hand, and
 * never regenerate to make a failing vector test pass:
 *
 *   deno run tests/vectors/audit/generate_vectors.ts > tests/vectors/audit/entry_v1.json
 *
 * @module
 */

import { toHex } from "../../../src/core/mod.ts";
import {
  type AuditDraft,
  checkpointMessage,
  GENESIS_HASH,
  sealAuditEntry,
  signCheckpoint,
} from "../../../src/security/audit/mod.ts";
import { keyPairFromSeed } from "../../../src/security/crypto/ed25519.ts";
import { keyIdOf } from "../../../src/security/keyring.ts";
import { createSigner } from "../../../src/security/crypto/ed25519.ts";

const drafts: { name: string; draft: AuditDraft; id: string; time: number }[] = [
  {
    name: "genesis decision with action and token proof",
    id: "00112233445566778899aabbccddeeff",
    time: 1767225600000,
    draft: {
      sessionId: "sess-1",
      principal: "user:alice",
      kind: "decision",
      action: { kind: "file_delete", path: "/home/user/important.txt", inWorkspace: false },
      summary: "Delete file: /home/user/important.txt",
      decision: "allow",
      stage: "token",
      proof: { policy: "allow", via: "token", tokenId: "tok-1", tokenHash: "ab".repeat(32) },
    },
  },
  {
    name: "outcome with error text (quotes, newline, non-ASCII) linked to its decision",
    id: "ffeeddccbbaa99887766554433221100",
    time: 1767225600123,
    draft: {
      sessionId: "sess-1",
      principal: "user:alice",
      kind: "outcome",
      outcome: { ok: false, error: 'EACCES: "important.txt"\nnon-ASCII: é ✓ 😀', costMicros: 0 },
      links: { decisionId: "00112233445566778899aabbccddeeff", decisionSeq: 1 },
    },
  },
  {
    name: "denied write whose large diff is recorded by BLAKE3 and length",
    id: "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
    time: 1767225601000,
    draft: {
      sessionId: "sess-2",
      principal: "user:bob",
      kind: "decision",
      action: {
        kind: "file_write",
        path: "/work/app/.bashrc",
        inWorkspace: true,
        diff: "+echo pwned\n".repeat(100),
      },
      decision: "deny",
      stage: "policy",
      proof: {
        rule: "floor:write:**/.bashrc",
        reason: "writes to shell start-up files are denied",
      },
      detail: { tool: "write_file", costMicros: 1500 },
    },
  },
];

let prevHash = GENESIS_HASH;
const entries = drafts.map((d, i) => {
  const { entry, stored } = sealAuditEntry(d.draft, {
    seq: i + 1,
    prevHash,
    id: d.id,
    time: d.time,
  });
  prevHash = entry.hash;
  return {
    name: d.name,
    draft: d.draft,
    placement: { seq: i + 1, prevHash: entry.prevHash, id: d.id, time: d.time },
    encoding: new TextDecoder().decode(stored.subarray(65)),
    hash: entry.hash,
  };
});

const seed = new Uint8Array(32).map((_, i) => i + 1);
const kp = keyPairFromSeed(seed);
const signer = { keyId: keyIdOf(kp.publicKey), sign: createSigner(seed) };
const last = entries[entries.length - 1]!;
const cp = signCheckpoint(signer, { seq: 3, hash: last.hash, time: 1767225602000 });

console.log(JSON.stringify(
  {
    description:
      "Audit entry encoding v1 and checkpoint signatures. encoding = the UTF-8 bytes that are hashed; hash = BLAKE3-256(encoding); stored = hash + '\\n' + encoding. Do not regenerate to make a test pass.",
    entries,
    checkpoint: {
      seedHex: toHex(seed),
      publicKeyHex: toHex(kp.publicKey),
      keyId: signer.keyId,
      checkpoint: cp,
      message: new TextDecoder().decode(checkpointMessage(cp)),
    },
  },
  null,
  2,
));
