import assert from "node:assert/strict";
import { compileHostPattern, normalizeHost } from "./host_pattern.ts";

Deno.test("normalizeHost() canonicalizes case, trailing dots and numeric IPv4 forms", async (t) => {
  const table: [string, string | undefined][] = [
    ["EXAMPLE.com.", "example.com"],
    ["example.com..", "example.com"],
    ["0x7f.1", "127.0.0.1"],
    ["2130706433", "127.0.0.1"],
    ["0177.0.0.1", "127.0.0.1"],
    ["[::1]", "::1"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["[::ffff:127.0.0.1]", "127.0.0.1"],
    ["exa%6dple.com", "example.com"],
    ["bücher.example", "xn--bcher-kva.example"],
    ["", undefined],
    ["a b", undefined],
    ["evil.com/@good.com", undefined],
    ["good.com@evil.com", undefined],
    ["x..y", undefined],
    ["1.2.3.4.5", undefined],
    ["foo.123", undefined],
    ["[::1", undefined],
  ];
  for (const [input, want] of table) {
    await t.step(JSON.stringify(input), () => assert.equal(normalizeHost(input), want));
  }
});

Deno.test("compileHostPattern() '*.example.com' covers subdomains, not the apex or look-alikes", () => {
  const p = compileHostPattern("*.example.com");
  assert.equal(p.matches("api.example.com", 443), true);
  assert.equal(p.matches("a.b.example.com", 80), true);
  assert.equal(p.matches("example.com", 443), false);
  assert.equal(p.matches("example.com.evil.com", 443), false);
  assert.equal(p.matches("evilexample.com", 443), false);
  assert.equal(p.matches("api.example.com.evil.com", 443), false);
});

Deno.test("compileHostPattern() literal rules match the normalized host only", () => {
  const p = compileHostPattern("Example.COM.");
  assert.equal(p.matches("example.com", 1), true);
  assert.equal(p.matches("www.example.com", 1), false);
  assert.equal(compileHostPattern("127.0.0.1").matches(normalizeHost("0x7f.1")!, 80), true);
});

Deno.test("compileHostPattern() honours ports: host:port, host:*, and no port", () => {
  const exact = compileHostPattern("example.com:8080");
  assert.equal(exact.matches("example.com", 8080), true);
  assert.equal(exact.matches("example.com", 80), false);
  assert.equal(compileHostPattern("example.com:*").matches("example.com", 1), true);
  assert.equal(compileHostPattern("example.com").matches("example.com", 65535), true);
  const smtp = compileHostPattern("*:25");
  assert.equal(smtp.matches("mail.example.com", 25), true);
  assert.equal(smtp.matches("mail.example.com", 587), false);
  assert.equal(compileHostPattern("[::1]:8080").matches("::1", 8080), true);
  assert.equal(compileHostPattern("::1").matches("::1", 8080), true);
  assert.equal(compileHostPattern("10.0.0.*").matches("10.0.0.7", 22), true);
  assert.equal(compileHostPattern("10.0.0.*").matches("10.0.1.7", 22), false);
});

Deno.test("compileHostPattern() rejects malformed rules with a message quoting them", async (t) => {
  for (const bad of ["", ":80", "example.com:99999", "example.com:http", "[::1", "[::1]x", "a b"]) {
    await t.step(JSON.stringify(bad), () => {
      assert.throws(
        () => compileHostPattern(bad),
        (e: unknown) => e instanceof SyntaxError && e.message.includes(`"${bad}"`),
      );
    });
  }
});
