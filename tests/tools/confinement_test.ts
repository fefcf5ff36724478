import assert from "node:assert/strict";
import { join } from "node:path";
import {
  editFileTool,
  listDirectoryTool,
  readFileTool,
  writeFileTool,
} from "../../src/tools/mod.ts";
import { confineForUse } from "../../src/workspace/mod.ts";
import { snapshot, withFixture } from "./_fixture.ts";

Deno.test("confinement: every escape of the issue's list counts as outside", async () => {
  await withFixture(async ({ ws, outside, ctx, root }) => {
    await Deno.symlink(outside, join(ws, "link-out"));
    await Deno.symlink(join(outside, "secret.txt"), join(ws, "secret-link"));
    const cases = [
      "../app-other/secret.txt",
      join(outside, "secret.txt"),
      "/etc/passwd",
      "link-out/secret.txt",
      "link-out/new-file.txt",
      "secret-link",
      `${root}/app-other`,
      "sub/../../app-other/x",
    ];
    for (const p of cases) {
      const r = ctx.workspace.resolveInside(p);
      assert.equal(r.ok, false, `"${p}" must be outside`);
    }
    assert.equal(ctx.workspace.resolveInside("src/new.ts").ok, true);
    assert.equal(ctx.workspace.resolveInside(join(ws, "a/../b.txt")).ok, true);
  });
});

Deno.test("tools refuse paths outside the workspace and leave the file system untouched", async () => {
  await withFixture(async ({ root, ws, outside, ctx }) => {
    await Deno.symlink(outside, join(ws, "link-out"));
    await Deno.symlink(join(outside, "secret.txt"), join(ws, "secret-link"));
    const before = await snapshot(root);
    const attempts = [
      readFileTool.execute({ path: "link-out/secret.txt" }, ctx),
      readFileTool.execute({ path: "../app-other/secret.txt" }, ctx),
      writeFileTool.execute({ path: "link-out/new.txt", content: "x" }, ctx),
      writeFileTool.execute({ path: "secret-link", content: "overwritten" }, ctx),
      writeFileTool.execute({ path: join(outside, "x.txt"), content: "x" }, ctx),
      editFileTool.execute({ path: "secret-link", old_string: "top", new_string: "no" }, ctx),
      listDirectoryTool.execute({ path: "link-out" }, ctx),
    ];
    for (const r of await Promise.all(attempts)) {
      assert.equal(r.ok, false, r.output);
      assert.match(r.output, /refused/);
    }
    assert.equal(await snapshot(root), before, "nothing changed anywhere");
  });
});

Deno.test("writes and deletes never follow a symlink at the final component, even inside", async () => {
  await withFixture(async ({ ws, ctx }) => {
    await Deno.writeTextFile(join(ws, "real.txt"), "original");
    await Deno.symlink(join(ws, "real.txt"), join(ws, "alias.txt"));
    const r = await writeFileTool.execute({ path: "alias.txt", content: "changed" }, ctx);
    assert.equal(r.ok, false);
    assert.equal(await Deno.readTextFile(join(ws, "real.txt")), "original");
    assert.equal(confineForUse(ctx.workspace, "alias.txt", "delete").ok, false);
    assert.equal(confineForUse(ctx.workspace, "alias.txt", "read").ok, true);
  });
});

Deno.test("a folder swapped for a link to outside after the decision is caught at use", async () => {
  await withFixture(async ({ ws, outside, ctx }) => {
    await Deno.mkdir(join(ws, "data"));
    // The decision saw data/ as a real folder; now it becomes a link out.
    assert.equal(ctx.workspace.resolveInside("data/x.txt").ok, true);
    await Deno.remove(join(ws, "data"));
    await Deno.symlink(outside, join(ws, "data"));
    const r = await writeFileTool.execute({ path: "data/x.txt", content: "x" }, ctx);
    assert.equal(r.ok, false);
    assert.equal(await Deno.stat(join(outside, "x.txt")).then(() => true, () => false), false);
  });
});

Deno.test("an approved escape (allowOutside) is still canonical and still no final-component link", async () => {
  await withFixture(async ({ ws, outside, ctxWith }) => {
    const ctx = ctxWith({ allowOutside: true });
    const r = await writeFileTool.execute({ path: join(outside, "ok.txt"), content: "x" }, ctx);
    assert.equal(r.ok, true, r.output);
    await Deno.symlink(join(outside, "secret.txt"), join(outside, "alias"));
    const w = await writeFileTool.execute({ path: join(outside, "alias"), content: "x" }, ctx);
    assert.equal(w.ok, false);
    assert.equal(await Deno.readTextFile(join(outside, "secret.txt")), "top secret\n");
    void ws;
  });
});
