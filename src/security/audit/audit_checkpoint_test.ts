import assert from "node:assert/strict";
import { keyPairFromSeed } from "../crypto/ed25519.ts";
import { createSigner } from "../crypto/ed25519.ts";
import { keyIdOf } from "../keyring.ts";
import { checkpointProblem, parseCheckpoint, signCheckpoint } from "./audit_checkpoint.ts";

const kp = keyPairFromSeed(new Uint8Array(32).fill(9));
const signer = { keyId: keyIdOf(kp.publicKey), sign: createSigner(kp.seed) };
const trusted = (id: string) => (id === signer.keyId ? kp.publicKey : undefined);
const cp = signCheckpoint(signer, { seq: 7, hash: "a".repeat(64), time: 1234.9 });

Deno.test("signCheckpoint() signs seq, hash, whole-ms time and key id; checkpointProblem() accepts it", () => {
  assert.equal(cp.time, 1234);
  assert.equal(cp.keyId, signer.keyId);
  assert.equal(checkpointProblem(cp, trusted), undefined);
});

Deno.test("checkpointProblem() rejects any edited field, an unknown key and a garbled signature", async (t) => {
  const edits: [string, object, RegExp][] = [
    ["seq", { seq: 8 }, /does not verify/],
    ["hash", { hash: "b".repeat(64) }, /does not verify/],
    ["time", { time: 1235 }, /does not verify/],
    ["key id", { keyId: "ed25519:0000000000000000" }, /not a trusted key/],
    ["signature", { signature: "!!" }, /not base64url/],
    [
      "signature bytes",
      { signature: cp.signature.replace(/^./, (c) => c === "A" ? "B" : "A") },
      /does not verify/,
    ],
  ];
  for (const [name, edit, re] of edits) {
    await t.step(name, () => {
      assert.match(checkpointProblem({ ...cp, ...edit }, trusted) ?? "", re);
    });
  }
});

Deno.test("parseCheckpoint() names what is malformed", async (t) => {
  const cases: [string, unknown, RegExp][] = [
    ["null", null, /not an object/],
    ["seq 0", { ...cp, seq: 0 }, /seq 0/],
    ["seq as string", { ...cp, seq: "7" }, /seq "7"/],
    ["short hash", { ...cp, hash: "ab" }, /hash is not/],
    ["float time", { ...cp, time: 1.5 }, /time is not/],
    ["key id with newline", { ...cp, keyId: "a\nb" }, /keyId/],
    ["no signature", { ...cp, signature: undefined }, /signature/],
  ];
  for (const [name, v, re] of cases) {
    await t.step(name, () => {
      const r = parseCheckpoint(v);
      assert.ok("malformed" in r);
      assert.match((r as { malformed: string }).malformed, re);
    });
  }
});
