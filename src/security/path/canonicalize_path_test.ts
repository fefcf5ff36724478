import assert from "node:assert/strict";
import { canonicalizePath, normalizePath } from "./canonicalize_path.ts";
import { FakeFsProbe } from "./fake_fs_probe.ts";

function tree(): FakeFsProbe {
  return new FakeFsProbe({
    paths: ["/srv/app/src/main.ts", "/srv/app-other/x", "/etc/ssl/certs", "/etc/passwd"],
    links: {
      "/srv/app/etc": "/etc",
      "/srv/app/ssl": "/etc/ssl",
      "/srv/app/rel": "../app-other",
      "/srv/app/loop": "/srv/app/loop2",
      "/srv/app/loop2": "/srv/app/loop",
      "/srv/app/dangling": "/nowhere/x",
    },
  });
}

function ok(input: string, cwd = "/srv/app"): string {
  const r = canonicalizePath(input, cwd, tree());
  assert.ok(r.ok, `expected "${input}" to resolve: ${!r.ok ? r.reason : ""}`);
  return r.path;
}

function fails(input: string, cwd = "/srv/app"): string {
  const r = canonicalizePath(input, cwd, tree());
  assert.ok(!r.ok, `expected "${input}" to fail, got "${r.ok ? r.path : ""}"`);
  return r.reason;
}

Deno.test("canonicalizePath() makes paths absolute and drops . and empty segments", () => {
  assert.equal(ok("src/main.ts"), "/srv/app/src/main.ts");
  assert.equal(ok("./src//./main.ts"), "/srv/app/src/main.ts");
  assert.equal(ok("/srv/app/src/"), "/srv/app/src");
  assert.equal(ok("."), "/srv/app");
  assert.equal(ok("/"), "/");
});

Deno.test("canonicalizePath() appends the missing tail to the nearest existing ancestor", () => {
  assert.equal(ok("src/new/deeper/file.ts"), "/srv/app/src/new/deeper/file.ts");
  assert.equal(ok("/brand/new"), "/brand/new");
});

Deno.test("canonicalizePath() resolves .. climbs out of the workspace", () => {
  assert.equal(ok("../../etc/passwd"), "/etc/passwd");
  assert.equal(ok("src/../../app-other/x"), "/srv/app-other/x");
  assert.equal(ok("/../../../etc"), "/etc");
});

Deno.test("canonicalizePath() resolves symlinks to their real target", () => {
  assert.equal(ok("etc/passwd"), "/etc/passwd");
  assert.equal(ok("etc/new-file"), "/etc/new-file");
  assert.equal(ok("ssl/certs"), "/etc/ssl/certs");
  assert.equal(ok("rel/x"), "/srv/app-other/x");
});

Deno.test("canonicalizePath() applies .. after a symlink to the link's target, like the kernel", () => {
  // A lexical resolve would say /srv/app/passwd (inside); the kernel opens /etc/passwd.
  assert.equal(ok("ssl/../passwd"), "/etc/passwd");
  assert.equal(ok("ssl/certs/../../passwd"), "/etc/passwd");
  assert.equal(ok("/srv/app/ssl/.."), "/etc");
  assert.notEqual(normalizePath("ssl/../passwd", "/srv/app"), "/etc/passwd");
});

Deno.test("canonicalizePath() refuses .. through a part that does not exist", () => {
  assert.match(fails("newdir/../src"), /climbs with "\.\." out of "\/srv\/app\/newdir"/);
  assert.match(fails("a/b/../../../etc"), /does not exist/);
});

Deno.test("canonicalizePath() fails closed on probe errors, NUL bytes and bad input", async (t) => {
  await t.step("symlink loop", () => assert.match(fails("loop/x"), /symlink loop/));
  await t.step("dangling symlink", () => assert.match(fails("dangling"), /dangling/));
  await t.step("NUL byte", () => assert.match(fails("a\0b"), /NUL byte/));
  await t.step("empty", () => assert.match(fails(""), /empty path/));
  await t.step("relative cwd", () => assert.match(fails("x", "srv/app"), /not absolute/));
  await t.step("NUL in cwd", () => assert.match(fails("x", "/srv\0/app"), /NUL byte/));
  await t.step("permission denied", () => {
    const probe = tree().deny("/srv/app/src");
    const r = canonicalizePath("src/main.ts", "/srv/app", probe);
    assert.ok(!r.ok && /permission denied/.test(r.reason));
  });
});

Deno.test("canonicalizePath() resolves a prefix sibling to itself, not into the workspace", () => {
  assert.equal(ok("/srv/app-other/x"), "/srv/app-other/x");
  assert.equal(ok("../app-other/x"), "/srv/app-other/x");
});

Deno.test("canonicalizePath() asks the probe once for an existing path without ..", () => {
  const probe = tree();
  canonicalizePath("/srv/app/src/main.ts", "/", probe);
  assert.equal(probe.calls, 1);
});
