/**
 * openForRead / writeAtomic / remove on a real tree: escapes are refused and
 * leave the tree untouched (checked by snapshot), a final-component symlink is
 * never written through or deleted through, and a folder swapped for a
 * symlink between the check and the use (through the beforeUse seam) is
 * caught.
 */

import assert from "node:assert/strict";
import type { WorkspaceBoundary } from "../../src/workspace/mod.ts";
import { snapshot, type Tree, withTree } from "./_fixture.ts";

const enc = new TextEncoder();

async function readAll(b: WorkspaceBoundary, path: string): Promise<string> {
  const r = await b.openForRead(path);
  assert.ok(r.ok, r.ok ? "" : r.reason);
  try {
    const buf = new Uint8Array(r.info.size);
    let off = 0;
    while (off < buf.length) {
      const n = await r.file.read(buf.subarray(off));
      if (n === null) break;
      off += n;
    }
    return new TextDecoder().decode(buf.subarray(0, off));
  } finally {
    r.file.close();
  }
}

function both(t: Tree): Record<string, string> {
  return { ...snapshot(t.base) };
}

Deno.test("openForRead() reads inside files and follows a symlink that stays inside", () =>
  withTree(async (t) => {
    assert.equal(await readAll(t.boundary, "a.txt"), "alpha\n");
    assert.equal(await readAll(t.boundary, "link_in"), "beta\n");
  }));

Deno.test("openForRead() refuses a symlink out, a folder, a FIFO and a missing file", () =>
  withTree(async (t) => {
    const fifo = new Deno.Command("mkfifo", { args: [`${t.ws}/pipe`] }).outputSync();
    assert.ok(fifo.success);
    const cases: [string, string][] = [
      ["link_file_out", "outside"],
      ["link_out/secret.txt", "outside"],
      ["../outside/secret.txt", "outside"],
      ["sub", "not_a_file"],
      ["pipe", "not_a_file"],
      ["missing.txt", "not_found"],
    ];
    for (const [path, code] of cases) {
      const r = await t.boundary.openForRead(path);
      assert.equal(r.ok, false, path);
      if (!r.ok) assert.equal(r.code, code, `${path}: ${r.reason}`);
    }
  }));

Deno.test("openForRead() catches a folder swapped for a symlink out between check and open", () =>
  withTree(async (t) => {
    Deno.writeTextFileSync(`${t.outside}/b.txt`, "outside beta\n");
    const swap = (path: string) => {
      if (path !== `${t.ws}/sub/b.txt`) return;
      Deno.renameSync(`${t.ws}/sub`, `${t.ws}/sub.moved`);
      Deno.symlinkSync(t.outside, `${t.ws}/sub`);
    };
    const { WorkspaceBoundary } = await import("../../src/workspace/mod.ts");
    const b = WorkspaceBoundary.open(t.ws, { beforeUse: swap });
    const r = await b.openForRead("sub/b.txt");
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.code, "changed");
      assert.match(r.reason, /changed between the check and the open/);
    }
  }));

Deno.test("writeAtomic() writes, replaces and creates parent folders inside", () =>
  withTree(async (t) => {
    const w = await t.boundary.writeAtomic("a.txt", enc.encode("new alpha\n"));
    assert.deepEqual(w, {
      ok: true,
      path: `${t.ws}/a.txt`,
      bytes: 10,
      created: false,
      inside: true,
    });
    assert.equal(Deno.readTextFileSync(`${t.ws}/a.txt`), "new alpha\n");
    const n = await t.boundary.writeAtomic("x/y/z.txt", enc.encode("z"));
    assert.equal(n.ok && n.created, true);
    assert.equal(Deno.readTextFileSync(`${t.ws}/x/y/z.txt`), "z");
    assert.deepEqual(
      [...Deno.readDirSync(t.ws)].filter((e) => e.name.includes(".astrid-")),
      [],
      "no temporary file is left behind",
    );
  }));

Deno.test("writeAtomic() keeps the mode of the file it replaces", () =>
  withTree(async (t) => {
    Deno.chmodSync(`${t.ws}/a.txt`, 0o640);
    const w = await t.boundary.writeAtomic("a.txt", enc.encode("x"));
    assert.ok(w.ok);
    assert.equal(Deno.statSync(`${t.ws}/a.txt`).mode! & 0o777, 0o640);
  }));

Deno.test("writeAtomic() through a symlink to an inside file writes the target and keeps the link", () =>
  withTree(async (t) => {
    const w = await t.boundary.writeAtomic("link_in", enc.encode("via link\n"));
    assert.equal(w.ok && w.path, `${t.ws}/sub/b.txt`);
    assert.equal(Deno.lstatSync(`${t.ws}/link_in`).isSymlink, true);
    assert.equal(Deno.readTextFileSync(`${t.ws}/sub/b.txt`), "via link\n");
  }));

Deno.test("writeAtomic() refuses every escape and leaves the whole tree untouched", () =>
  withTree(async (t) => {
    const cases: [string, string][] = [
      ["link_file_out", "outside"], // final component is a symlink to a file outside
      ["link_out/new.txt", "outside"], // new file under a symlinked parent
      ["link_out/deep/new.txt", "outside"], // parents would be created outside
      ["../outside/secret.txt", "outside"],
      [`${t.other}/x.txt`, "outside"],
      ["dangling", "unresolvable"], // writing would create the link's target
      ["sub", "not_a_file"],
      ["a.txt/child", "unresolvable"],
    ];
    for (const [path, code] of cases) {
      const before = both(t);
      const r = await t.boundary.writeAtomic(path, enc.encode("pwned\n"));
      assert.equal(r.ok, false, path);
      if (!r.ok) assert.equal(r.code, code, `${path}: ${r.reason}`);
      assert.deepEqual(both(t), before, `${path}: the tree changed`);
    }
    assert.equal(Deno.readTextFileSync(`${t.outside}/secret.txt`), "secret\n");
    assert.equal(Deno.readLinkSync(`${t.ws}/link_file_out`), "../outside/secret.txt");
  }));

Deno.test("writeAtomic() catches a parent folder swapped for a symlink out after the check", () =>
  withTree(async (t) => {
    const { WorkspaceBoundary } = await import("../../src/workspace/mod.ts");
    const b = WorkspaceBoundary.open(t.ws, {
      beforeUse: () => {
        Deno.renameSync(`${t.ws}/sub`, `${t.base}/sub.moved`);
        Deno.symlinkSync(t.outside, `${t.ws}/sub`);
      },
    });
    const outsideBefore = snapshot(t.outside);
    const r = await b.writeAtomic("sub/b.txt", enc.encode("pwned\n"));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.code, "changed", r.reason);
    assert.deepEqual(snapshot(t.outside), outsideBefore, "nothing, not even a temp file, outside");
    assert.equal(Deno.readTextFileSync(`${t.base}/sub.moved/b.txt`), "beta\n");
  }));

Deno.test("writeAtomic() refuses to make folders under a folder that became a symlink after the check", () =>
  withTree(async (t) => {
    const { WorkspaceBoundary } = await import("../../src/workspace/mod.ts");
    Deno.mkdirSync(`${t.ws}/d`);
    const b = WorkspaceBoundary.open(t.ws, {
      beforeUse: () => {
        Deno.removeSync(`${t.ws}/d`);
        Deno.symlinkSync(t.outside, `${t.ws}/d`);
      },
    });
    const outsideBefore = snapshot(t.outside);
    const r = await b.writeAtomic("d/e/f.txt", enc.encode("pwned\n"));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.code, "changed", r.reason);
    assert.deepEqual(snapshot(t.outside), outsideBefore);
  }));

Deno.test("writeAtomic() refuses a target that became a symlink after the check", () =>
  withTree(async (t) => {
    const { WorkspaceBoundary } = await import("../../src/workspace/mod.ts");
    const b = WorkspaceBoundary.open(t.ws, {
      beforeUse: () => {
        Deno.removeSync(`${t.ws}/a.txt`);
        Deno.symlinkSync(`${t.outside}/secret.txt`, `${t.ws}/a.txt`);
      },
    });
    const r = await b.writeAtomic("a.txt", enc.encode("pwned\n"));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.code, "symlink", r.reason);
    assert.equal(Deno.readTextFileSync(`${t.outside}/secret.txt`), "secret\n");
    assert.equal(
      Deno.lstatSync(`${t.ws}/a.txt`).isSymlink,
      true,
      "the link is not replaced either",
    );
  }));

Deno.test("writeAtomic() aborted after the temporary file exists leaves no temporary file", () =>
  withTree(async (t) => {
    const { WorkspaceBoundary } = await import("../../src/workspace/mod.ts");
    const controller = new AbortController();
    const b = WorkspaceBoundary.open(t.ws, { beforeUse: () => controller.abort() });
    const before = snapshot(t.ws);
    const r = await b.writeAtomic("sub/new/file.txt", enc.encode("x".repeat(100)), {
      signal: controller.signal,
    });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.code, "aborted");
    assert.deepEqual(snapshot(t.ws), before, "no temp file and no half-made folders");
  }));

Deno.test("remove() deletes a symlink itself, never its target", () =>
  withTree(async (t) => {
    const r = await t.boundary.remove("link_in");
    assert.deepEqual(r, { ok: true, path: `${t.ws}/link_in`, kind: "symlink" });
    assert.equal(Deno.readTextFileSync(`${t.ws}/sub/b.txt`), "beta\n");
    // A link pointing outside is outside unless the escape was approved; then only the link goes.
    const refused = await t.boundary.remove("link_file_out");
    assert.equal(refused.ok, false);
    const approved = await t.boundary.remove("link_file_out", { allowOutside: true });
    assert.equal(approved.ok && approved.kind, "symlink");
    assert.equal(Deno.readTextFileSync(`${t.outside}/secret.txt`), "secret\n");
  }));

Deno.test("remove() refuses escapes, the root and non-empty folders without recursive", () =>
  withTree(async (t) => {
    const cases: [string, string, object][] = [
      ["link_out/secret.txt", "outside", {}],
      ["../outside/secret.txt", "outside", {}],
      [`${t.other}/x.txt`, "outside", {}],
      [".", "not_a_file", { recursive: true }],
      [t.ws, "not_a_file", { recursive: true }],
      ["sub/..", "not_a_file", { recursive: true }],
      ["sub", "io", {}],
      ["missing", "not_found", {}],
    ];
    for (const [path, code, options] of cases) {
      const before = both(t);
      const r = await t.boundary.remove(path, options);
      assert.equal(r.ok, false, path);
      if (!r.ok) assert.equal(r.code, code, `${path}: ${r.reason}`);
      assert.deepEqual(both(t), before, `${path}: the tree changed`);
    }
    const ok = await t.boundary.remove("sub", { recursive: true });
    assert.equal(ok.ok && ok.kind, "dir");
  }));

Deno.test("remove() catches a parent folder swapped for a symlink out after the check", () =>
  withTree(async (t) => {
    Deno.writeTextFileSync(`${t.outside}/b.txt`, "outside beta\n");
    const { WorkspaceBoundary } = await import("../../src/workspace/mod.ts");
    const b = WorkspaceBoundary.open(t.ws, {
      beforeUse: () => {
        Deno.renameSync(`${t.ws}/sub`, `${t.base}/sub.moved`);
        Deno.symlinkSync(t.outside, `${t.ws}/sub`);
      },
    });
    const r = await b.remove("sub/b.txt");
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.code, "changed", r.reason);
    assert.equal(Deno.readTextFileSync(`${t.outside}/b.txt`), "outside beta\n");
  }));
