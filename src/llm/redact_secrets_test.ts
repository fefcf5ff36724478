import assert from "node:assert/strict";
import { oneLine, REDACTED, redactSecrets } from "./redact_secrets.ts";

const KEY = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";

Deno.test("redactSecrets() removes a key whole, its prefix, its tail and pieces of it", async (t) => {
  const cases: [string, string][] = [
    ["whole", `invalid x-api-key: ${KEY}`],
    ["a prefix the server kept", `invalid key ${KEY.slice(0, 16)}...`],
    ["the last characters", `key ending ${KEY.slice(-10)} was revoked`],
    ["a piece from the middle", `near ${KEY.slice(20, 30)} here`],
    ["twice", `${KEY} and again ${KEY}`],
    ["inside JSON", JSON.stringify({ error: { message: `bad ${KEY}` } })],
  ];
  for (const [name, text] of cases) {
    await t.step(name, () => {
      const out = redactSecrets(text, [KEY]);
      for (let i = 0; i + 8 <= KEY.length; i++) {
        assert.ok(!out.includes(KEY.slice(i, i + 8)), `piece ${i} left in ${out}`);
      }
      assert.ok(out.includes(REDACTED));
    });
  }
});

Deno.test("redactSecrets() leaves text without the key alone", () => {
  const text = "HTTP 401: authentication_error: invalid x-api-key";
  assert.equal(redactSecrets(text, [KEY]), text);
  assert.equal(redactSecrets(text, []), text);
  assert.equal(redactSecrets(text, [""]), text);
});

Deno.test("redactSecrets() removes a short secret only where it occurs whole", () => {
  assert.equal(redactSecrets("token abc1 and abc", ["abc1"]), `token ${REDACTED} and abc`);
});

Deno.test("redactSecrets() handles several secrets", () => {
  const other = "ghp_zzzzzzzzzzzzzzzzzzzz";
  assert.equal(redactSecrets(`${KEY} ${other}`, [KEY, other]), `${REDACTED} ${REDACTED}`);
});

Deno.test("oneLine() removes terminal escapes, newlines and bidi overrides, and cuts long text", () => {
  assert.equal(oneLine("a\nb\r\nc\td"), "a b c d");
  assert.equal(oneLine("red \u001b[31mX\u001b[0m"), "red [31mX [0m");
  assert.equal(oneLine("abc\u202edcba"), "abc dcba");
  assert.equal(oneLine("\u009b31m"), "31m");
  assert.equal(oneLine("x".repeat(10), 4), "xxxx…");
});
