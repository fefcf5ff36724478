/**
 * The file tools re-check at use, through the boundary's beforeUse seam: the
 * tree changes after the tool's own check and right before the file system
 * call, as a racing process would change it. The tools must refuse, and
 * nothing outside may change (checked by snapshot, not assumed).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { editFileTool, readFileTool, writeFileTool } from "../../src/tools/mod.ts";
import { WorkspaceBoundary } from "../../src/workspace/mod.ts";
import { snapshot, withFixture } from "./_fixture.ts";

Deno.test("read_file refuses when a folder becomes a link out between its check and the open", async () => {
  await withFixture(async ({ ws, outside, ctxWith }) => {
    await Deno.mkdir(join(ws, "data"));
    await Deno.writeTextFile(join(ws, "data/secret.txt"), "inside\n");
    const ctx = ctxWith({
      workspace: WorkspaceBoundary.open(ws, {
        beforeUse: () => {
          Deno.renameSync(join(ws, "data"), join(ws, "data.moved"));
          Deno.symlinkSync(outside, join(ws, "data"));
        },
      }),
    });
    const r = await readFileTool.execute({ path: "data/secret.txt" }, ctx);
    assert.equal(r.ok, false);
    assert.match(r.output, /refused: .*changed between the check and the open/);
    assert.doesNotMatch(r.output, /top secret/);
  });
});

Deno.test("write_file refuses when its folder becomes a link out after the check; nothing lands outside", async () => {
  await withFixture(async ({ ws, outside, ctxWith }) => {
    await Deno.mkdir(join(ws, "data"));
    const ctx = ctxWith({
      workspace: WorkspaceBoundary.open(ws, {
        beforeUse: () => {
          Deno.removeSync(join(ws, "data"));
          Deno.symlinkSync(outside, join(ws, "data"));
        },
      }),
    });
    const before = await snapshot(outside);
    const r = await writeFileTool.execute({ path: "data/secret.txt", content: "pwned" }, ctx);
    assert.equal(r.ok, false);
    assert.match(r.output, /write_file refused/);
    assert.equal(await snapshot(outside), before, "not even a temporary file outside");
  });
});

Deno.test("edit_file refuses when the file becomes a link out between its read and its write", async () => {
  await withFixture(async ({ ws, outside, ctxWith }) => {
    await Deno.writeTextFile(join(ws, "notes.txt"), "top\n");
    let calls = 0;
    const ctx = ctxWith({
      workspace: WorkspaceBoundary.open(ws, {
        beforeUse: () => {
          // The first use is the read, the second the write.
          if (++calls !== 2) return;
          Deno.removeSync(join(ws, "notes.txt"));
          Deno.symlinkSync(join(outside, "secret.txt"), join(ws, "notes.txt"));
        },
      }),
    });
    const before = await snapshot(outside);
    const r = await editFileTool.execute(
      { path: "notes.txt", old_string: "top", new_string: "pwned" },
      ctx,
    );
    assert.equal(r.ok, false, r.output);
    assert.match(r.output, /edit_file refused: .*symlink/);
    assert.equal(await snapshot(outside), before);
    assert.equal(await Deno.readTextFile(join(outside, "secret.txt")), "top secret\n");
  });
});

Deno.test("write_file aborted after it started leaves no temporary file and no new folder", async () => {
  await withFixture(async ({ ws, ctxWith }) => {
    const ac = new AbortController();
    const ctx = ctxWith({
      signal: ac.signal,
      workspace: WorkspaceBoundary.open(ws, { beforeUse: () => ac.abort() }),
    });
    const before = await snapshot(ws);
    const r = await writeFileTool.execute({ path: "new/dir/file.txt", content: "x" }, ctx);
    assert.equal(r.ok, false);
    assert.match(r.output, /aborted/);
    assert.equal(await snapshot(ws), before);
  });
});
