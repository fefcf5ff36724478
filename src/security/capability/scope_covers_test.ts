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

Deno.test("parseResource() holds absolute exec paths to the file path rules", () => {
  for (const bad of ["exec:///usr//bin/git", "exec:///usr/bin/../../tmp/git", "exec:///./git"]) {
    assert.equal(parseResource(bad).ok, false, bad);
  }
  assert.equal(scopeCovers("exec:///usr/**/git", "exec:///usr//bin/git"), false);
  assert.equal(scopeCovers("exec:///usr/**/git", "exec:///usr/local/bin/git"), true);
});

Deno.test("a file glob never covers a resource outside its literal prefix (property)", () => {
  // Pattern segments mix literals and every glob form; resource segments mix the
  // same literals with traversal and empty segments.
  const lit = fc.constantFrom("a", "b", "ab", ".x", "a-b");
  const glob = fc.constantFrom("*", "**", "?", "a*", "*b", "[ab]", "{a,b}", "{a,ab}");
  const patternSegs = fc.array(fc.oneof(lit, glob), { minLength: 1, maxLength: 4 });
  const resourceSegs = fc.array(fc.oneof(lit, fc.constantFrom("..", ".", "", "*")), {
    minLength: 0,
    maxLength: 5,
  });
  fc.assert(
    fc.property(patternSegs, resourceSegs, (ps, rs) => {
      const pattern = `file:///${ps.join("/")}`;
      const path = `/${rs.join("/")}`;
      if (!scopeCovers(pattern, `file://${path}`)) return true;
      const root = path === "/";
      const segs = root ? [] : path.split("/").slice(1);
      if (segs.some((s) => s === ".." || s === "." || s === "")) return false;
      const firstGlob = ps.findIndex((s) => /[*?[{]/.test(s));
      const prefix = firstGlob < 0 ? ps : ps.slice(0, firstGlob);
      const underPrefix = prefix.every((s, i) => segs[i] === s);
      // Without `**` the depth is fixed; the glob dialect lets a lone `*` match the
      // empty name, which can only be the root here ("/x/" is refused before globbing).
      const sameDepth = ps.includes("**") || segs.length === ps.length ||
        (root && ps.length === 1);
      return underPrefix && sameDepth;
    }),
    { numRuns: 2000 },
  );
});

Deno.test("net and exec scopes never widen past their host suffix or base name (property)", () => {
  const label = fc.constantFrom("a", "api", "example", "com", "evil", "EXAMPLE", "x-y");
  fc.assert(fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), (labels) => {
    const host = labels.join(".");
    const covered = scopeCovers("net://*.example.com:443", `net://${host}:443`);
    // `*` is one whole label: exactly one label before ".example.com".
    const wanted = labels.length === 3 && host.toLowerCase().endsWith(".example.com");
    return covered === wanted;
  }));
  fc.assert(fc.property(fc.array(label, { minLength: 1, maxLength: 3 }), (parts) => {
    return !scopeCovers("exec://*", `exec:///${parts.join("/")}`) &&
      !scopeCovers("exec://a*", `exec://${parts.join("/")}/a`);
  }));
});
