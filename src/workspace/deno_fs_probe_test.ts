import assert from "node:assert/strict";
import { canonicalizePath } from "../security/path/mod.ts";
import { denoFsProbe } from "./deno_fs_probe.ts";

async function withTree(fn: (root: string) => void | Promise<void>): Promise<void> {
  const root = Deno.realPathSync(await Deno.makeTempDir({ prefix: "astrid_probe_" }));
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("denoFsProbe.realPath() returns the real path of an existing file through symlinks", () =>
  withTree((root) => {
    Deno.mkdirSync(`${root}/real`);
    Deno.writeTextFileSync(`${root}/real/f.txt`, "x");
    Deno.symlinkSync(`${root}/real`, `${root}/link`);
    assert.equal(denoFsProbe.realPath(`${root}/link/f.txt`), `${root}/real/f.txt`);
    assert.equal(denoFsProbe.realPath(`${root}/link`), `${root}/real`);
  }));

Deno.test("denoFsProbe.realPath() returns null when nothing exists there", () =>
  withTree((root) => {
    assert.equal(denoFsProbe.realPath(`${root}/missing`), null);
    assert.equal(denoFsProbe.realPath(`${root}/missing/deeper`), null);
  }));

Deno.test("denoFsProbe.realPath() throws for a dangling symlink instead of calling it absent", () =>
  withTree((root) => {
    Deno.symlinkSync(`${root}/nowhere/target`, `${root}/dangling`);
    assert.throws(() => denoFsProbe.realPath(`${root}/dangling`), /dangling symlink/);
    // Under it, the link itself is found while walking up: the canonicalizer fails closed.
    assert.equal(denoFsProbe.realPath(`${root}/dangling/x`), null);
    const r = canonicalizePath(`${root}/dangling/x`, "/", denoFsProbe);
    assert.ok(!r.ok && /dangling symlink/.test(r.reason));
  }));

Deno.test("denoFsProbe.realPath() throws for a symlink loop", () =>
  withTree((root) => {
    Deno.symlinkSync(`${root}/b`, `${root}/a`);
    Deno.symlinkSync(`${root}/a`, `${root}/b`);
    assert.throws(() => denoFsProbe.realPath(`${root}/a`));
  }));

Deno.test("denoFsProbe.realPath() throws when a path component is a file", () =>
  withTree((root) => {
    Deno.writeTextFileSync(`${root}/file`, "x");
    assert.throws(() => denoFsProbe.realPath(`${root}/file/child`));
  }));

Deno.test("canonicalizePath() with denoFsProbe resolves a new file under a symlinked folder", () =>
  withTree((root) => {
    Deno.mkdirSync(`${root}/ws`);
    Deno.mkdirSync(`${root}/outside`);
    Deno.symlinkSync(`${root}/outside`, `${root}/ws/out`);
    const r = canonicalizePath("out/new/file.txt", `${root}/ws`, denoFsProbe);
    assert.deepEqual(r, { ok: true, path: `${root}/outside/new/file.txt` });
  }));
