import assert from "node:assert/strict";
import { netGrantAllows, parseNetGrant } from "./net_grant.ts";

Deno.test("parseNetGrant() reads host, host:port, IPv4 and bracketed IPv6", () => {
  assert.deepEqual(parseNetGrant("api.github.com"), {
    ok: true,
    grant: { host: "api.github.com", port: null },
  });
  assert.deepEqual(parseNetGrant("127.0.0.1:8080"), {
    ok: true,
    grant: { host: "127.0.0.1", port: 8080 },
  });
  assert.deepEqual(parseNetGrant("[::1]:9"), { ok: true, grant: { host: "[::1]", port: 9 } });
});

Deno.test("parseNetGrant() refuses anything that is not exactly one host", async (t) => {
  const cases: [string, RegExp][] = [
    ["https://a.com", /without scheme or path/],
    ["a.com/x", /without scheme or path/],
    ["*.a.com", /wildcards are not allowed/],
    ["A.com", /must be lowercase/],
    ["a.com:0", /out of range/],
    ["a.com:", /not host or host:port/],
    ["", /empty host/],
    ["256.1.1.1", /not a valid IPv4/],
    ["[::ffff:127.0.0.1]", /not in canonical form/],
    ["[zz]", /not a valid IPv6/],
    ["a..b", /not a DNS name/],
    ["-a.com", /not a DNS name/],
    ["a_b.com", /not a DNS name/],
    ["a.com.", /not a DNS name/],
  ];
  for (const [text, expected] of cases) {
    await t.step(text, () => {
      const r = parseNetGrant(text);
      assert.ok(!r.ok);
      assert.match(r.reason, expected);
    });
  }
});

Deno.test("netGrantAllows() matches the exact host and the granted port", () => {
  const plain = { host: "a.com", port: null };
  assert.ok(netGrantAllows(plain, "a.com", 443));
  assert.ok(netGrantAllows(plain, "a.com", 80));
  assert.ok(!netGrantAllows(plain, "a.com", 8080));
  assert.ok(!netGrantAllows(plain, "b.a.com", 443));
  assert.ok(!netGrantAllows(plain, "a.com.evil.net", 443));
  assert.ok(netGrantAllows({ host: "a.com", port: 8080 }, "a.com", 8080));
  assert.ok(!netGrantAllows({ host: "a.com", port: 8080 }, "a.com", 443));
});
