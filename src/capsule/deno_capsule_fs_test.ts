import assert from "node:assert/strict";
import { denoFsProbe } from "../workspace/deno_fs_probe.ts";
import { denoCapsuleFs } from "./deno_capsule_fs.ts";

Deno.test("denoCapsuleFs.realPath() answers exactly like the workspace's denoFsProbe", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid_capfs_" }));
  try {
    await Deno.writeTextFile(`${dir}/file`, "x");
    await Deno.mkdir(`${dir}/sub`);
    await Deno.symlink(`${dir}/sub`, `${dir}/link`);
    await Deno.symlink(`${dir}/nowhere`, `${dir}/dangling`);
    await Deno.symlink(`${dir}/loop`, `${dir}/loop`);
    for (const p of ["file", "sub", "link", "link/new", "missing", "dangling", "loop", "file/x"]) {
      const path = `${dir}/${p}`;
      const answer = (probe: typeof denoFsProbe) => {
        try {
          return { value: probe.realPath(path) };
        } catch {
          return { threw: true };
        }
      };
      assert.deepEqual(answer(denoCapsuleFs), answer(denoFsProbe), p);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("denoCapsuleFs reads within a size limit, lists sorted, stats without following links", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid_capfs_" }));
  try {
    await Deno.writeTextFile(`${dir}/b.txt`, "hello");
    await denoCapsuleFs.writeFile(`${dir}/a.txt`, new TextEncoder().encode("hi"));
    await denoCapsuleFs.mkdir(`${dir}/d/e`, true);
    await Deno.symlink("/etc/passwd", `${dir}/l`);
    assert.deepEqual(
      new TextDecoder().decode(await denoCapsuleFs.readFile(`${dir}/b.txt`, 5)),
      "hello",
    );
    await assert.rejects(() => denoCapsuleFs.readFile(`${dir}/b.txt`, 4), RangeError);
    await assert.rejects(() => denoCapsuleFs.readFile(`${dir}/d`, 100), TypeError);
    assert.deepEqual((await denoCapsuleFs.readDir(dir, 10)).map((e) => `${e.name}:${e.kind}`), [
      "a.txt:file",
      "b.txt:file",
      "d:dir",
      "l:symlink",
    ]);
    await assert.rejects(() => denoCapsuleFs.readDir(dir, 2), RangeError);
    assert.equal((await denoCapsuleFs.stat(`${dir}/l`))?.kind, "symlink");
    assert.equal(await denoCapsuleFs.stat(`${dir}/none`), null);
    await assert.rejects(() => denoCapsuleFs.remove(`${dir}/d`));
    await denoCapsuleFs.remove(`${dir}/a.txt`);
    assert.equal(await denoCapsuleFs.stat(`${dir}/a.txt`), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
