import assert from "node:assert/strict";
import fc from "fast-check";
import { parseResource, scopeCovers } from "./scope_covers.ts";

Deno.test("scopeCovers() matches each scheme by its own rules", () => {
  const yes: [string, string][] = [
    ["file:///w/**", "file:///w/a/b.txt"],
    ["file:///w/**", "file:///w"],
    ["file:///w/a.txt", "file:///w/a.txt"],
    ["exec://git", "exec://git"],
    ["exec://py*", "exec://python3"],
    ["net://*.example.com:443", "net://API.example.com:443"],
    ["net://example.com:*", "net://example.com:8080"],
    ["mcp://github:*", "mcp://github:create_issue"],
    ["capsule://weather:http", "capsule://weather:http"],
  ];
  const no: [string, string][] = [
    ["file:///w/**", "file:///w-other/a"],
    ["file:///w/*", "file:///w/a/b"],
    ["exec://git", "exec://gitx"],
    ["exec://git", "exec:///usr/bin/git"],
    ["exec://*", "exec:///tmp/evil/git"],
    ["net://*.example.com:443", "net://example.com.evil.com:443"],
    ["net://*.example.com:443", "net://a.example.com:80"],
    ["net://example.com:443", "net://example.com:*"],
    ["mcp://github:*", "mcp://gitlab:x"],
    ["file:///w/**", "exec:///w/x"],
    ["file:///w/../**", "file:///etc/passwd"],
    ["file:///w/[", "file:///w/["],
  ];
  for (const [p, r] of yes) assert.equal(scopeCovers(p, r), true, `${p} covers ${r}`);
  for (const [p, r] of no) assert.equal(scopeCovers(p, r), false, `${p} must not cover ${r}`);
});

Deno.test("parseResource() rejects traversal, empty segments, NUL and backslashes on either side", () => {
  for (
    const bad of [
      "file:///w/../x",
      "file:///w/./x",
      "file:///w//x",
      "file:///w/x/",
      "file://w/x",
      "file:///w/\0",
      "file:///w\\x",
      "mcp://a:..",
      "capsule://../x:y",
      "ftp://x",
      "file://",
      "no-scheme",
    ]
  ) {
    assert.equal(parseResource(bad).ok, false, bad);
  }
});

Deno.test("a granted file scope never covers a path outside its literal prefix (property)", () => {
  const seg = fc.stringMatching(/^[a-z.]{1,4}$/);
  fc.assert(fc.property(
    fc.array(seg, { minLength: 1, maxLength: 3 }),
    fc.array(fc.oneof(seg, fc.constant(".."), fc.constant(".")), { minLength: 1, maxLength: 5 }),
    (prefix, rest) => {
      const pattern = `file:///${prefix.join("/")}/**`;
      const path = `/${[...prefix.slice(0, 1), ...rest].join("/")}`;
      if (!scopeCovers(pattern, `file://${path}`)) return true;
      // Covered: the path must really be under the prefix, with no traversal.
      return !path.split("/").some((s) => s === ".." || s === ".") &&
        (path === `/${prefix.join("/")}` || path.startsWith(`/${prefix.join("/")}/`));
    },
  ));
});
