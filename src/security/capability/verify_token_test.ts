import assert from "node:assert/strict";
import fc from "fast-check";
import { FakeClock, fromHex, SeededRandom, toBase64Url } from "../../core/mod.ts";
import { keyPairFromSeed, signMessage } from "../crypto/ed25519.ts";
import { keyIdOf, signerOf } from "../keyring.ts";
import {
  type CapabilityToken,
  encodeTokenForSigning,
  issueToken,
  parseToken,
  type TokenRequest,
  verifyToken,
} from "./mod.ts";

const kp = keyPairFromSeed(new Uint8Array(32).fill(1));
const keyId = keyIdOf(kp.publicKey);
const old = keyPairFromSeed(new Uint8Array(32).fill(2));
const oldId = keyIdOf(old.publicKey);
const attacker = keyPairFromSeed(new Uint8Array(32).fill(9));
const keyring = {
  active: { keyId, seed: kp.seed, publicKey: kp.publicKey, createdAt: 0 },
  trusted: new Map([[keyId, { keyId, publicKey: kp.publicKey, createdAt: 0 }], [
    oldId,
    { keyId: oldId, publicKey: old.publicKey, createdAt: 0, retiredAt: 1 },
  ]]),
};
const trusted = (k: string) => keyring.trusted.get(k)?.publicKey;
const clock = new FakeClock(1_000_000);
const T0 = clock.now();
const HOUR = 3_600_000;

function mint(over: Partial<Parameters<typeof issueToken>[0]> = {}): CapabilityToken {
  return issueToken({
    resource: "file:///w/src/**",
    permissions: ["write"],
    scope: "persistent",
    principal: "local",
    auditEntryId: "e1",
    auditEntryHash: "a".repeat(64),
    ...over,
  }, { signer: signerOf(keyring), clock, random: new SeededRandom(3), ttlMs: HOUR });
}

const req: TokenRequest = {
  resource: "file:///w/src/a.ts",
  permission: "write",
  principal: "local",
  sessionId: "s1",
};
const ctx = (over: Partial<Parameters<typeof verifyToken>[2]> = {}) => ({
  trusted,
  now: T0 + 1000,
  skewMs: 30_000,
  isRevoked: () => false,
  ...over,
});

Deno.test("verifyToken() accepts a fresh token inside its scope", () => {
  assert.deepEqual(verifyToken(mint(), req, ctx()), { ok: true });
});

Deno.test("verifyToken() rejects a token re-signed by an attacker who claims the real key id", () => {
  const t = mint();
  const { signature: _, ...body } = t;
  const forged = {
    ...body,
    resource: "file:///**",
    signature: toBase64Url(
      signMessage(attacker.seed, encodeTokenForSigning({ ...body, resource: "file:///**" })),
    ),
  };
  const v = verifyToken(forged, { ...req, resource: "file:///etc/shadow" }, ctx());
  assert.equal(v.ok === false && v.code, "TOKEN_INVALID");
});

Deno.test("verifyToken() rejects a key id it does not trust and accepts a rotated, still-trusted key", () => {
  const { signature: _, ...body } = mint();
  const byAttacker = { ...body, issuerKeyId: keyIdOf(attacker.publicKey) };
  const signedA = {
    ...byAttacker,
    signature: toBase64Url(signMessage(attacker.seed, encodeTokenForSigning(byAttacker))),
  };
  assert.match(
    (verifyToken(signedA, req, ctx()) as { reason: string }).reason,
    /unknown key/,
  );
  const byOld = { ...body, issuerKeyId: oldId };
  const signedOld = {
    ...byOld,
    signature: toBase64Url(signMessage(old.seed, encodeTokenForSigning(byOld))),
  };
  assert.deepEqual(verifyToken(signedOld, req, ctx()), { ok: true });
});

Deno.test("verifyToken() honours expiry and not-before exactly at the skew boundary", () => {
  const t = mint();
  assert.equal(verifyToken(t, req, ctx({ now: t.expiresAt + 29_999 })).ok, true);
  const late = verifyToken(t, req, ctx({ now: t.expiresAt + 30_000 }));
  assert.equal(late.ok === false && late.code, "TOKEN_EXPIRED");
  assert.equal(verifyToken(t, req, ctx({ now: t.issuedAt - 30_000 })).ok, true);
  assert.equal(verifyToken(t, req, ctx({ now: t.issuedAt - 30_001 })).ok, false);
  const huge = verifyToken(t, req, ctx({ now: t.expiresAt + 10 * 60_000, skewMs: 3_600_000 }));
  assert.equal(huge.ok, false, "skew is capped at 5 minutes whatever the config says");
});

Deno.test("verifyToken() rejects revoked, consumed, wrong principal, wrong session and wrong permission", () => {
  const t = mint();
  const code = (v: ReturnType<typeof verifyToken>) => v.ok ? "ok" : v.code;
  assert.equal(code(verifyToken(t, req, ctx({ isRevoked: (id) => id === t.id }))), "TOKEN_REVOKED");
  const once = mint({ singleUse: true });
  assert.equal(code(verifyToken(once, req, ctx({ isConsumed: () => true }))), "TOKEN_CONSUMED");
  assert.equal(code(verifyToken(t, { ...req, principal: "bob" }, ctx())), "TOKEN_SCOPE");
  const sess = mint({ scope: "session", sessionId: "s1" });
  assert.equal(code(verifyToken(sess, { ...req, sessionId: "s2" }, ctx())), "TOKEN_SCOPE");
  assert.equal(code(verifyToken(t, { ...req, permission: "delete" }, ctx())), "TOKEN_SCOPE");
});

Deno.test("verifyToken() never lets a path outside the glob or a .. climb through", () => {
  const t = mint();
  for (
    const r of [
      "file:///w/src/../../etc/passwd",
      "file:///w/src/./x",
      "file:///w//src/x",
      "file:///w/srcx/a.ts",
      "file:///w-other/src/a.ts",
      "file:///w/src\\..\\x",
      "exec://w/src/a.ts",
    ]
  ) {
    assert.equal(verifyToken(t, { ...req, resource: r }, ctx()).ok, false, r);
  }
  assert.equal(
    verifyToken(t, { ...req, resource: "file:///w/src/%2e%2e/x" }, ctx()).ok,
    true,
    "percent escapes are literal names",
  );
});

Deno.test("verifyToken() fails on any single mutation of a signed token (property)", () => {
  const t = mint();
  const fields = Object.keys(t).filter((k) => k !== "signature") as (keyof CapabilityToken)[];
  fc.assert(fc.property(
    fc.constantFrom(...fields),
    fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(["read", "write"])),
    (field, value) => {
      fc.pre(JSON.stringify(t[field]) !== JSON.stringify(value));
      const mutated = { ...t, [field]: value } as CapabilityToken;
      return verifyToken(mutated, req, ctx()).ok === false;
    },
  ));
  fc.assert(fc.property(fc.integer({ min: 0, max: 511 }), (bit) => {
    const sig = Uint8Array.from(
      atob(t.signature.replace(/-/g, "+").replace(/_/g, "/") + "=="),
      (c) => c.charCodeAt(0),
    );
    sig[bit >> 3]! ^= 1 << (bit & 7);
    return verifyToken({ ...t, signature: toBase64Url(sig) }, req, ctx()).ok === false;
  }));
});

Deno.test("parseToken() names the first bad field and refuses unknown fields", () => {
  const t = mint();
  assert.equal(parseToken(JSON.parse(JSON.stringify(t))).ok, true);
  assert.match(
    (parseToken({ ...t, extra: 1 }) as { reason: string }).reason,
    /unknown field "extra"/,
  );
  assert.match(
    (parseToken({ ...t, permissions: ["root"] }) as { reason: string }).reason,
    /token\.permissions/,
  );
  assert.match(
    (parseToken({ ...t, scope: "session" }) as { reason: string }).reason,
    /sessionId: required/,
  );
  assert.match(
    (parseToken({ ...t, expiresAt: 1.5 }) as { reason: string }).reason,
    /token\.expiresAt/,
  );
  assert.equal(parseToken(null).ok, false);
});

Deno.test("token signing encoding matches the golden vector", async () => {
  const url = new URL("../../../tests/vectors/capability/token_v1.json", import.meta.url);
  const t = issueToken({
    resource: "file:///home/u/project/**",
    permissions: ["write", "read"],
    scope: "persistent",
    principal: "local",
    auditEntryId: "0123456789abcdef0123456789abcdef",
    auditEntryHash: "b".repeat(64),
  }, {
    signer: signerOf({
      active: { keyId, seed: kp.seed, publicKey: kp.publicKey, createdAt: 0 },
      trusted: new Map(),
    }),
    clock: new FakeClock(Date.UTC(2026, 0, 1)),
    random: new SeededRandom(42),
    ttlMs: HOUR,
  });
  const { signature: _, ...body } = t;
  const actual = {
    encodingHex: Array.from(encodeTokenForSigning(body), (b) => b.toString(16).padStart(2, "0"))
      .join(""),
    token: t,
  };
  if (Deno.env.get("UPDATE_GOLDEN") === "1") {
    await Deno.writeTextFile(url, JSON.stringify(actual, null, 2) + "\n");
  }
  const golden = JSON.parse(await Deno.readTextFile(url));
  assert.equal(actual.encodingHex, golden.encodingHex);
  assert.deepEqual(actual.token, golden.token);
  assert.ok(fromHex(golden.encodingHex).length > 0);
  assert.deepEqual(
    verifyToken(golden.token, {
      resource: "file:///home/u/project/a",
      permission: "read",
      principal: "local",
      sessionId: "x",
    }, { trusted, now: Date.UTC(2026, 0, 1) + 1, skewMs: 0, isRevoked: () => false }),
    { ok: true },
  );
});

Deno.test("verifyToken() fails closed when the clock or the skew is not a number", () => {
  const t = mint();
  const long = t.expiresAt + 100 * HOUR;
  for (const skewMs of [NaN, -Infinity]) {
    const v = verifyToken(t, req, ctx({ now: long, skewMs }));
    assert.equal(v.ok === false && v.code, "TOKEN_EXPIRED", `skew ${skewMs}`);
  }
  const capped = verifyToken(t, req, ctx({ now: long, skewMs: Infinity }));
  assert.equal(capped.ok, false, "an infinite skew is capped at 5 minutes");
  for (const now of [NaN, Infinity, -Infinity]) {
    const v = verifyToken(t, req, ctx({ now }));
    assert.equal(v.ok === false && v.code, "TOKEN_INVALID", `now ${now}`);
  }
});

Deno.test("verifyToken() accepts exactly one spelling of the signature (property)", () => {
  const t = mint();
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  // Replacing any character with any other, including the spare low bits of the
  // last one (which decode to the same bytes), must fail: one token, one hash.
  fc.assert(fc.property(
    fc.integer({ min: 0, max: t.signature.length - 1 }),
    fc.constantFrom(...alphabet),
    (i, c) => {
      fc.pre(t.signature[i] !== c);
      const signature = t.signature.slice(0, i) + c + t.signature.slice(i + 1);
      return verifyToken({ ...t, signature }, req, ctx()).ok === false;
    },
  ));
  for (const signature of [t.signature + "==", t.signature + "A", t.signature.slice(1), ""]) {
    assert.equal(verifyToken({ ...t, signature }, req, ctx()).ok, false, signature);
  }
});

Deno.test("verifyToken() rejects a token whose fields are swapped for another token's", () => {
  const a = mint();
  const b = mint({ resource: "file:///**", permissions: ["delete"], singleUse: true });
  for (const k of Object.keys(a) as (keyof CapabilityToken)[]) {
    if (k === "v" || JSON.stringify(a[k]) === JSON.stringify(b[k])) continue;
    const spliced = { ...b, [k]: a[k] } as CapabilityToken;
    const wide = { ...req, resource: "file:///etc/passwd", permission: "delete" as const };
    assert.equal(verifyToken(spliced, wide, ctx()).ok, false, `field ${k} from another token`);
  }
});
