import assert from "node:assert/strict";
import { FakeFsProbe } from "../security/path/mod.ts";
import { confinePath, isWithin } from "./confine_path.ts";

Deno.test("isWithin() needs a component boundary, so a prefix sibling is outside", async (t) => {
  const cases: [string, string, boolean][] = [
    ["/srv/app", "/srv/app", true],
    ["/srv/app", "/srv/app/x", true],
    ["/srv/app", "/srv/app-other", false],
    ["/srv/app", "/srv/app-other/x", false],
    ["/srv/app", "/srv/ap", false],
    ["/srv/app", "/srv", false],
    ["/", "/anything", true],
  ];
  for (const [root, path, expected] of cases) {
    await t.step(`${root} vs ${path}`, () => assert.equal(isWithin(root, path), expected));
  }
});

Deno.test("confinePath() judges the canonical path, not the text", () => {
  const probe = new FakeFsProbe({
    paths: ["/srv/app/src/a.ts", "/srv/app-other/x", "/etc/passwd"],
    links: { "/srv/app/out": "/etc", "/srv/app/in": "/srv/app/src" },
  });
  assert.deepEqual(confinePath("/srv/app", "src/a.ts", probe), {
    ok: true,
    path: "/srv/app/src/a.ts",
    inside: true,
  });
  assert.deepEqual(confinePath("/srv/app", "in/new.ts", probe), {
    ok: true,
    path: "/srv/app/src/new.ts",
    inside: true,
  });
  for (const input of ["out/passwd", "out/new", "../app-other/x", "/etc/passwd", "in/../../etc"]) {
    const r = confinePath("/srv/app", input, probe);
    assert.equal(r.ok, false, input);
    if (!r.ok) assert.equal(r.code, "outside", input);
  }
  const allowed = confinePath("/srv/app", "out/passwd", probe, { allowOutside: true });
  assert.deepEqual(allowed, { ok: true, path: "/etc/passwd", inside: false });
});

Deno.test("confinePath() calls an unresolvable path outside, even with allowOutside", () => {
  const probe = new FakeFsProbe({ paths: ["/srv/app/locked/x"] }).deny("/srv/app/locked");
  for (const input of ["locked/x", "a\0b", "missing/../../x"]) {
    const r = confinePath("/srv/app", input, probe, { allowOutside: true });
    assert.equal(r.ok, false, JSON.stringify(input));
    if (!r.ok) assert.equal(r.code, "unresolvable");
  }
});
