/**
 * WorkspaceBoundary.resolveInside() on a real tree with real symlinks: every
 * escape of issue 4 is outside, and what cannot be resolved is outside too.
 */

import assert from "node:assert/strict";
import { AstridError } from "../../src/core/mod.ts";
import { WorkspaceBoundary } from "../../src/workspace/mod.ts";
import { withTree } from "./_fixture.ts";

Deno.test("resolveInside() accepts paths that stay in the workspace, resolved canonically", () =>
  withTree((t) => {
    const cases: [string, string][] = [
      ["a.txt", `${t.ws}/a.txt`],
      ["./sub/../a.txt", `${t.ws}/a.txt`],
      [`${t.ws}/sub/b.txt`, `${t.ws}/sub/b.txt`],
      ["sub/new/deeper.txt", `${t.ws}/sub/new/deeper.txt`],
      ["link_in", `${t.ws}/sub/b.txt`],
      [".", t.ws],
      // link_out/.. is the real parent of outside/, i.e. the base: back into ws is inside.
      ["link_out/../ws/a.txt", `${t.ws}/a.txt`],
    ];
    for (const [input, expected] of cases) {
      const r = t.boundary.resolveInside(input);
      assert.deepEqual(r, { ok: true, path: expected, inside: true }, input);
    }
  }));

Deno.test("resolveInside() refuses every escape of issue 4 as outside", () =>
  withTree((t) => {
    const cases: [string, string][] = [
      ["../outside/secret.txt", "a .. climb"],
      ["sub/../../outside/secret.txt", "a .. climb through a real folder"],
      ["/etc/passwd", "an absolute path elsewhere"],
      [`${t.outside}/secret.txt`, "an absolute path to a sibling"],
      ["link_file_out", "a symlink inside pointing to a file outside"],
      ["link_out/secret.txt", "a file under a symlinked folder"],
      ["link_out/new.txt", "a new file under a symlinked parent folder"],
      ["link_out/deep/new.txt", "a new path deeper under a symlinked folder"],
      [`${t.other}/x.txt`, "a prefix sibling (ws-other next to ws)"],
      ["../ws-other/x.txt", "a prefix sibling reached by .."],
      ["..", "the parent itself"],
    ];
    for (const [input, what] of cases) {
      const r = t.boundary.resolveInside(input);
      assert.equal(r.ok, false, what);
      if (!r.ok) {
        assert.equal(r.code, "outside", what);
        assert.match(r.reason, /outside the workspace/, what);
        assert.ok(r.reason.includes(`"${input}"`), `${what}: reason quotes the input`);
      }
    }
  }));

Deno.test("resolveInside() treats a path that cannot be resolved safely as outside", () =>
  withTree((t) => {
    const cases: [string, RegExp][] = [
      ["dangling", /dangling symlink/],
      ["dangling/x", /dangling symlink|cannot be resolved/],
      ["loop", /cannot be resolved safely/],
      ["a.txt\0/x", /NUL/],
      ["", /empty/],
      ["missing/../../outside", /does not exist/],
      ["a.txt/x", /cannot be resolved safely/],
    ];
    for (const [input, reason] of cases) {
      const r = t.boundary.resolveInside(input);
      assert.equal(r.ok, false, JSON.stringify(input));
      if (!r.ok) {
        assert.equal(r.code, "unresolvable", JSON.stringify(input));
        assert.match(r.reason, reason, JSON.stringify(input));
      }
    }
  }));

Deno.test("resolve() lets an outside path through only with allowOutside, marked as outside", () =>
  withTree((t) => {
    const r = t.boundary.resolve("link_file_out", { allowOutside: true });
    assert.deepEqual(r, { ok: true, path: `${t.outside}/secret.txt`, inside: false });
    const bad = t.boundary.resolve("dangling", { allowOutside: true });
    assert.equal(bad.ok, false, "allowOutside never admits an unresolvable path");
  }));

Deno.test("WorkspaceBoundary.open() takes the real path of the root", () =>
  withTree((t) => {
    Deno.symlinkSync(t.ws, `${t.base}/ws-link`);
    const b = WorkspaceBoundary.open(`${t.base}/ws-link`);
    assert.equal(b.root, t.ws);
    assert.equal(b.resolveInside("a.txt").ok, true);
    assert.equal(b.contains(`${t.other}/x.txt`), false);
    assert.equal(b.relative(`${t.ws}/sub/b.txt`), "sub/b.txt");
    assert.equal(b.relative(t.ws), ".");
  }));

Deno.test("WorkspaceBoundary.open() refuses a missing or non-folder root", () =>
  withTree((t) => {
    for (const root of [`${t.base}/nope`, `${t.ws}/a.txt`, `${t.ws}/dangling`]) {
      assert.throws(
        () => WorkspaceBoundary.open(root),
        (e) =>
          e instanceof AstridError && e.code === "WORKSPACE_INVALID" && e.message.includes(root),
        root,
      );
    }
  }));
