import assert from "node:assert/strict";
import { SeededRandom } from "../../core/mod.ts";
import { credentialOf, newToken, principalOf } from "./credentials.ts";

Deno.test("newToken() is 256 bits of randomness as 43 base64url characters", () => {
  const r = new SeededRandom(7);
  const a = newToken((n) => r.bytes(n));
  const b = newToken((n) => r.bytes(n));
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
});

Deno.test("principalOf() maps a token to its principal and nothing else to anyone", () => {
  const creds = [credentialOf("local", "alpha"), credentialOf("bot", "beta")];
  assert.equal(principalOf(creds, "alpha"), "local");
  assert.equal(principalOf(creds, "beta"), "bot");
  for (const t of ["", "alph", "alphaa", "ALPHA", "alpha\n"]) {
    assert.equal(principalOf(creds, t), undefined, JSON.stringify(t));
  }
  assert.equal(principalOf([], "alpha"), undefined);
});
