import assert from "node:assert/strict";
import { FakeClock, SeededRandom } from "../../core/mod.ts";
import { keyPairFromSeed } from "../crypto/ed25519.ts";
import { keyIdOf, signerOf } from "../keyring.ts";
import { type CapabilityToken, issueToken, parseToken } from "./mod.ts";

const kp = keyPairFromSeed(new Uint8Array(32).fill(5));
const keyId = keyIdOf(kp.publicKey);
const signer = signerOf({
  active: { keyId, seed: kp.seed, publicKey: kp.publicKey, createdAt: 0 },
  trusted: new Map(),
});
const token: CapabilityToken = issueToken({
  resource: "file:///w/**",
  permissions: ["read"],
  scope: "session",
  sessionId: "s1",
  principal: "local",
  auditEntryId: "e1",
  auditEntryHash: "a".repeat(64),
  singleUse: true,
}, { signer, clock: new FakeClock(5_000), random: new SeededRandom(8), ttlMs: 60_000 });

const reasonOf = (v: unknown) => {
  const p = parseToken(v);
  return p.ok ? "ok" : p.reason;
};

Deno.test("parseToken() accepts a token that went through JSON and returns an equal copy", () => {
  const input = JSON.parse(JSON.stringify(token));
  const p = parseToken(input);
  assert.ok(p.ok);
  assert.deepEqual(p.token, token);
  assert.notEqual(p.token, input, "a fresh object, not the caller's");
  input.resource = "file:///**";
  (input.permissions as string[]).push("delete");
  assert.equal(p.token.resource, "file:///w/**", "later changes to the input do not leak in");
  assert.deepEqual(p.token.permissions, ["read"]);
});

Deno.test("parseToken() reads each field once, so an accessor cannot change it after the check", () => {
  let reads = 0;
  const input = { ...token };
  Object.defineProperty(input, "resource", {
    enumerable: true,
    get: () => (reads++ === 0 ? token.resource : "file:///**"),
  });
  const p = parseToken(input);
  assert.ok(p.ok);
  assert.equal(p.token.resource, "file:///w/**");
  assert.equal(p.token.resource, "file:///w/**");
  assert.equal(reads, 1);
});

Deno.test("parseToken() names the field that is wrong", async (t) => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["version 2", { v: 2 }, /^token\.v: expected 1, got 2$/],
    ["empty id", { id: "" }, /^token\.id: expected a non-empty string$/],
    ["numeric principal", { principal: 7 }, /^token\.principal:/],
    ["short nonce", { nonce: "AAAA" }, /^token\.nonce: expected 16 bytes/],
    ["nonce with padding", { nonce: token.nonce + "==" }, /^token\.nonce:/],
    ["nonce in base64 alphabet", { nonce: token.nonce.replace(/.$/, "+") }, /^token\.nonce:/],
    ["short signature", { signature: "AAAA" }, /^token\.signature: expected 64 bytes/],
    [
      "signature with spare bits set",
      { signature: token.signature.slice(0, -1) + "B" },
      /^token\.signature:/,
    ],
    ["string time", { issuedAt: "5000" }, /^token\.issuedAt: expected a whole number/],
    ["negative time", { issuedAt: -1 }, /^token\.issuedAt:/],
    ["unsafe integer", { expiresAt: 2 ** 60 }, /^token\.expiresAt:/],
    ["expiry before issue", { expiresAt: 4_999 }, /^token\.expiresAt: expected a time after/],
    ["expiry at issue", { expiresAt: 5_000 }, /^token\.expiresAt:/],
    ["unknown scope", { scope: "global" }, /^token\.scope:/],
    ["empty sessionId", { sessionId: "" }, /^token\.sessionId:/],
    ["session without sessionId", { sessionId: undefined }, /^token\.sessionId: required/],
    ["singleUse as string", { singleUse: "false" }, /^token\.singleUse:/],
    ["permissions as string", { permissions: "read" }, /^token\.permissions:/],
    ["no permissions", { permissions: [] }, /^token\.permissions:/],
    ["unknown permission", { permissions: ["read", "root"] }, /^token\.permissions:/],
    ["extra field", { publicKey: "AAAA" }, /^token: unknown field "publicKey"$/],
    ["prototype key", JSON.parse('{"__proto__": {"x": 1}}'), /^token: unknown field "__proto__"$/],
  ];
  for (const [name, change, want] of cases) {
    await t.step(name, () => assert.match(reasonOf({ ...token, ...change }), want));
  }
  for (const bad of [null, undefined, "token", 1, [token]]) {
    assert.equal(reasonOf(bad), "token: expected an object");
  }
});
