import assert from "node:assert/strict";
import { join } from "node:path";
import {
  editFileTool,
  globTool,
  grepTool,
  listDirectoryTool,
  readFileTool,
  writeFileTool,
} from "../../src/tools/mod.ts";
import { withFixture } from "./_fixture.ts";

Deno.test("read_file numbers lines, windows them and refuses binary and oversized files", async () => {
  await withFixture(async ({ ws, ctx, ctxWith }) => {
    await Deno.writeTextFile(join(ws, "a.txt"), "one\ntwo\nthree\nfour\n");
    const all = await readFileTool.execute(readFileTool.parse({ path: "a.txt" }), ctx);
    assert.equal(all.output, "1\tone\n2\ttwo\n3\tthree\n4\tfour");
    const win = await readFileTool.execute(
      readFileTool.parse({ path: "a.txt", offset: 2, limit: 2 }),
      ctx,
    );
    assert.match(win.output, /^2\ttwo\n3\tthree\n\[1 more lines; use offset 4\]$/);
    await Deno.writeFile(join(ws, "bin"), new Uint8Array([0x7f, 0x45, 0, 1, 2]));
    const bin = await readFileTool.execute({ path: "bin" }, ctx);
    assert.equal(bin.ok, false);
    assert.match(bin.output, /binary file/);
    await Deno.writeFile(join(ws, "latin1"), new Uint8Array([0x63, 0x61, 0x66, 0xe9]));
    assert.match((await readFileTool.execute({ path: "latin1" }, ctx)).output, /not valid UTF-8/);
    const small = ctxWith({ limits: { ...ctx.limits, read_max_bytes: 5 } });
    assert.match(
      (await readFileTool.execute({ path: "a.txt" }, small)).output,
      /over the limit of 5/,
    );
  });
});

Deno.test("tool arguments are validated with the field and what was expected", () => {
  assert.throws(
    () => readFileTool.parse({ path: 3 }),
    /read_file: argument "path" must be a non-empty string|must be a string/,
  );
  assert.throws(() => readFileTool.parse({ path: "a", extra: 1 }), /unknown argument "extra"/);
  assert.throws(
    () => readFileTool.parse({ path: "a", offset: 0 }),
    /"offset" must be a whole number from 1/,
  );
  assert.throws(
    () => writeFileTool.parse({ path: "a" }),
    /"content" must be a string, got nothing/,
  );
  assert.throws(
    () => editFileTool.parse({ path: "a", old_string: "", new_string: "" }),
    /must not be empty/,
  );
  assert.throws(() => grepTool.parse({ pattern: "(" }), /not a valid regular expression/);
  assert.throws(() => globTool.parse({ pattern: "../*" }), /without ".."/);
  assert.throws(() => readFileTool.parse("a.txt"), /expected an object/);
});

Deno.test("write_file creates parent folders, writes atomically and reports bytes", async () => {
  await withFixture(async ({ ws, ctx }) => {
    const r = await writeFileTool.execute({ path: "deep/er/new.txt", content: "héllo" }, ctx);
    assert.equal(r.ok, true, r.output);
    assert.match(r.output, /Wrote 6 bytes/);
    assert.equal(await Deno.readTextFile(join(ws, "deep/er/new.txt")), "héllo");
    const preview = await writeFileTool.preview!({ path: "deep/er/new.txt", content: "bye" }, ctx);
    assert.match(preview!.text, /-héllo/);
    assert.match(preview!.text, /\+bye/);
    const names = [];
    for await (const e of Deno.readDir(join(ws, "deep/er"))) names.push(e.name);
    assert.deepEqual(names, ["new.txt"], "no temporary files left behind");
  });
});

Deno.test("edit_file replaces exactly, and refuses missing or ambiguous text", async () => {
  await withFixture(async ({ ws, ctx }) => {
    await Deno.writeTextFile(join(ws, "f.ts"), "let a = 1;\nlet b = 1;\n");
    const missing = await editFileTool.execute(
      { path: "f.ts", old_string: "zzz", new_string: "y" },
      ctx,
    );
    assert.match(missing.output, /not found/);
    const many = await editFileTool.execute(
      { path: "f.ts", old_string: "= 1", new_string: "= 2" },
      ctx,
    );
    assert.match(many.output, /appears 2 times/);
    assert.equal(await Deno.readTextFile(join(ws, "f.ts")), "let a = 1;\nlet b = 1;\n");
    const one = await editFileTool.execute({
      path: "f.ts",
      old_string: "a = 1",
      new_string: "a = $&2",
    }, ctx);
    assert.equal(one.ok, true);
    assert.equal(
      await Deno.readTextFile(join(ws, "f.ts")),
      "let a = $&2;\nlet b = 1;\n",
      "no regex replacement patterns",
    );
    const all = await editFileTool.execute({
      path: "f.ts",
      old_string: "let",
      new_string: "const",
      replace_all: true,
    }, ctx);
    assert.match(all.output, /Replaced 2/);
  });
});

Deno.test("glob and grep respect .gitignore, skip .git and never walk through links", async () => {
  await withFixture(async ({ ws, outside, ctx }) => {
    await Deno.mkdir(join(ws, "src/gen"), { recursive: true });
    await Deno.mkdir(join(ws, ".git"));
    await Deno.writeTextFile(join(ws, ".gitignore"), "*.log\n");
    await Deno.writeTextFile(join(ws, "src/.gitignore"), "gen/\n");
    await Deno.writeTextFile(join(ws, "src/a.ts"), "const needle = 1;\n");
    await Deno.writeTextFile(join(ws, "src/gen/b.ts"), "const needle = 2;\n");
    await Deno.writeTextFile(join(ws, "debug.log"), "needle\n");
    await Deno.writeTextFile(join(ws, ".git/config"), "needle\n");
    await Deno.writeTextFile(join(outside, "c.ts"), "needle\n");
    await Deno.symlink(outside, join(ws, "src/out"));
    const g = await globTool.execute(globTool.parse({ pattern: "**/*.ts" }), ctx);
    assert.equal(g.output, "src/a.ts");
    const r = await grepTool.execute(grepTool.parse({ pattern: "needle" }), ctx);
    assert.equal(r.output, "src/a.ts:1:const needle = 1;");
    const none = await grepTool.execute(grepTool.parse({ pattern: "NEEDLE", glob: "*.ts" }), ctx);
    assert.match(none.output, /No matches/);
    const ci = await grepTool.execute(
      grepTool.parse({ pattern: "NEEDLE", case_insensitive: true }),
      ctx,
    );
    assert.match(ci.output, /src\/a\.ts:1/);
  });
});

Deno.test("grep runs catastrophic patterns in linear time and still answers correctly", async () => {
  await withFixture(async ({ ws, ctx }) => {
    // With a backtracking engine each of these takes longer than the universe's age.
    await Deno.writeTextFile(join(ws, "evil.txt"), "a".repeat(100_000) + "b\nplain\n");
    for (const pattern of ["^(a+)+$", "(a|a)*c", "(a*)*b$", "^(a|aa)+$"]) {
      const r = await grepTool.execute(grepTool.parse({ pattern }), ctx);
      assert.equal(r.ok, true, `${pattern}: ${r.output}`);
      const hit = /evil\.txt:1:/.test(r.output);
      assert.equal(hit, pattern === "(a*)*b$", `${pattern}: ${r.output.slice(0, 80)}`);
    }
    const ok = await grepTool.execute(grepTool.parse({ pattern: "^plain$" }), ctx);
    assert.match(ok.output, /evil\.txt:2:plain/);
  });
});

Deno.test("grep refuses look-around and backreferences with a clear message", () => {
  for (const pattern of ["foo(?=bar)", "(?<!x)y", "(a)\\1"]) {
    assert.throws(
      () => grepTool.parse({ pattern }),
      /not a valid regular expression: .*look-around and backreferences are not supported/,
      pattern,
    );
  }
});

Deno.test("grep still stops at its time budget", async () => {
  await withFixture(async ({ ws, ctx, ctxWith }) => {
    await Deno.writeTextFile(join(ws, "a.txt"), "x\n");
    // Worker start-up alone takes longer than 1 ms.
    const hurried = ctxWith({ limits: { ...ctx.limits, search_timeout_ms: 1 } });
    const r = await grepTool.execute(grepTool.parse({ pattern: "x" }), hurried);
    assert.equal(r.ok, false);
    assert.match(r.output, /longer than 1 ms and was stopped/);
  });
});

Deno.test("list_directory lists kinds and sizes, sorted and capped", async () => {
  await withFixture(async ({ ws, ctx, ctxWith }) => {
    await Deno.writeTextFile(join(ws, "b.txt"), "12345");
    await Deno.mkdir(join(ws, "a"));
    await Deno.symlink("b.txt", join(ws, "c"));
    const r = await listDirectoryTool.execute({ path: "." }, ctx);
    assert.deepEqual(
      (r.data as { entries: { name: string; kind: string }[] }).entries.map((e) =>
        `${e.kind}:${e.name}`
      ),
      ["dir:a", "file:b.txt", "symlink:c"],
    );
    const capped = await listDirectoryTool.execute(
      { path: "." },
      ctxWith({ limits: { ...ctx.limits, max_results: 1 } }),
    );
    assert.match(capped.output, /\[2 more entries not shown\]/);
  });
});
