import assert from "node:assert/strict";
import { FakeClock, fromBase64Url, fromHex, SeededRandom, toHex } from "../../core/mod.ts";
import { keyPairFromSeed, verifySignature } from "../crypto/ed25519.ts";
import { keyIdOf, signerOf } from "../keyring.ts";
import { encodeTokenForSigning, issueToken, type TokenGrant } from "./mod.ts";

const kp = keyPairFromSeed(new Uint8Array(32).fill(6));
const keyId = keyIdOf(kp.publicKey);
const signer = signerOf({
  active: { keyId, seed: kp.seed, publicKey: kp.publicKey, createdAt: 0 },
  trusted: new Map(),
});
const grant: TokenGrant = {
  resource: "exec://git",
  permissions: ["execute"],
  scope: "persistent",
  principal: "local",
  auditEntryId: "e1",
  auditEntryHash: "a".repeat(64),
};
const issue = (g: Partial<TokenGrant> = {}, ttlMs = 60_000, now = 1_000) =>
  issueToken({ ...grant, ...g }, {
    signer,
    clock: new FakeClock(now),
    random: new SeededRandom(1),
    ttlMs,
  });

Deno.test("issueToken() fills in times, key id, a 16-byte nonce and sorted, unique permissions", () => {
  const t = issue({ permissions: ["write", "read", "write"] });
  assert.equal(t.issuedAt, 1_000);
  assert.equal(t.expiresAt, 61_000);
  assert.equal(t.issuerKeyId, keyId);
  assert.match(t.nonce, /^[A-Za-z0-9_-]{22}$/);
  assert.deepEqual(t.permissions, ["read", "write"]);
  assert.equal(t.singleUse, false);
  assert.equal("sessionId" in t, false, "a persistent grant without a session has no sessionId");
});

Deno.test("issueToken() refuses grants that would make a token nothing can read back", async (t) => {
  const cases: [string, () => unknown, RegExp][] = [
    ["zero lifetime", () => issue({}, 0), /lifetime must be a whole number of ms > 0, got 0/],
    ["fractional lifetime", () => issue({}, 1.5), /got 1\.5/],
    ["NaN lifetime", () => issue({}, NaN), /got NaN/],
    ["session without id", () => issue({ scope: "session" }), /needs a sessionId/],
    ["traversal", () => issue({ resource: "file:///w/../etc/**" }), /contains a "\.\." segment/],
    ["relative file", () => issue({ resource: "file://w/x" }), /not an absolute file path/],
    ["unknown scheme", () => issue({ resource: "ftp://x" }), /unknown resource scheme "ftp"/],
    ["no permissions", () => issue({ permissions: [] }), /token\.permissions/],
    ["empty principal", () => issue({ principal: "" }), /token\.principal/],
    ["fractional clock", () => issue({}, 1_000, 0.5), /token\.issuedAt/],
  ];
  for (const [name, run, want] of cases) {
    await t.step(name, () => assert.throws(run, want));
  }
});

Deno.test("a session-scoped single-use token encodes as its golden vector", async () => {
  // Pins the optional sessionId and the singleUse flag in the v1 encoding; the
  // persistent case is pinned by token_v1.json (verify_token_test.ts).
  const url = new URL("../../../tests/vectors/capability/token_v1_session.json", import.meta.url);
  const key = keyPairFromSeed(new Uint8Array(32).fill(7));
  const id = keyIdOf(key.publicKey);
  const t = issueToken({
    resource: "mcp://github:create_*",
    permissions: ["call"],
    scope: "session",
    sessionId: "sess-0001",
    principal: "telegram:42",
    auditEntryId: "fedcba9876543210fedcba9876543210",
    auditEntryHash: "c".repeat(64),
    singleUse: true,
  }, {
    signer: signerOf({
      active: { keyId: id, seed: key.seed, publicKey: key.publicKey, createdAt: 0 },
      trusted: new Map(),
    }),
    clock: new FakeClock(Date.UTC(2026, 0, 2)),
    random: new SeededRandom(7),
    ttlMs: 600_000,
  });
  const { signature: _, ...body } = t;
  const actual = {
    seed: "07".repeat(32),
    publicKeyHex: toHex(key.publicKey),
    encodingHex: toHex(encodeTokenForSigning(body)),
    token: t,
  };
  if (Deno.env.get("UPDATE_GOLDEN") === "1") {
    await Deno.writeTextFile(url, JSON.stringify(actual, null, 2) + "\n");
  }
  const golden = JSON.parse(await Deno.readTextFile(url));
  assert.equal(actual.encodingHex, golden.encodingHex, "signing encoding changed");
  assert.deepEqual(actual.token, golden.token);
  assert.ok(
    verifySignature(
      fromHex(golden.publicKeyHex),
      fromHex(golden.encodingHex),
      fromBase64Url(golden.token.signature),
    ),
    "the golden signature verifies over the golden bytes",
  );
  const text = new TextDecoder().decode(fromHex(golden.encodingHex));
  assert.ok(text.startsWith("astrid/capability-token/v1\n{"), "domain prefix then JSON");
});
