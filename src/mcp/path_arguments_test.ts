import assert from "node:assert/strict";
import type { JsonValue } from "../core/mod.ts";
import { MAX_PATH_ARGUMENTS, pathArguments } from "./path_arguments.ts";

const paths = (args: JsonValue) => {
  const r = pathArguments(args);
  assert.ok(r.ok, JSON.stringify(r));
  return r.paths.map((p) => `${p.at}=${p.path}`);
};
const problem = (args: JsonValue) => {
  const r = pathArguments(args);
  assert.ok(!r.ok, `expected a problem for ${JSON.stringify(args)}`);
  return r.reason;
};

Deno.test("pathArguments() finds paths by key word and by shape", async (t) => {
  const table: [string, JsonValue, string[]][] = [
    ["a path key, relative", { path: "notes.txt" }, ["path=notes.txt"]],
    ["camelCase and snake_case keys", { filePath: "a", source_dir: "b", targetFolder: "c" }, [
      "filePath=a",
      "source_dir=b",
      "targetFolder=c",
    ]],
    ["arrays under a path key", { paths: ["a", "/b"] }, ["paths[0]=a", "paths[1]=/b"]],
    ["absolute values under any key", { whatever: "/etc/passwd" }, ["whatever=/etc/passwd"]],
    ["nested objects", { edits: [{ file: "x.ts", oldText: "/a", newText: "/b" }] }, [
      "edits[0].file=x.ts",
    ]],
    ["file:// URLs are decoded", { uri: "file:///etc/my%20file" }, ["uri=/etc/my file"]],
    ["other URL schemes are not files", { uri: "https://example.com/x" }, []],
    ["free text that starts with / is text", { content: "/usr/bin/env", text: "/x" }, []],
    ["relative text under other keys is not a path", { pattern: "*.ts", name: "a/b" }, []],
    ["words inside words do not count", { profile: "dev", directoryish: "x" }, []],
    ["numbers and booleans are ignored", { path: 3, recursive: true } as JsonValue, []],
    ["empty strings are ignored", { path: "" }, []],
  ];
  for (const [name, args, expected] of table) {
    await t.step(name, () => assert.deepEqual(paths(args), expected));
  }
});

Deno.test("pathArguments() refuses what it cannot read exactly", async (t) => {
  await t.step("a home-folder path", () => assert.match(problem({ path: "~/.ssh/id_rsa" }), /~/));
  await t.step("~ under an unknown key", () => assert.match(problem({ x: "~root/.bashrc" }), /~/));
  await t.step("a NUL byte", () => assert.match(problem({ path: "/tmp/a\0b" }), /NUL/));
  await t.step("a file URL for another host", () => {
    assert.match(problem({ uri: "file://evil.example/etc/passwd" }), /another host/);
  });
  await t.step("a file URL that does not decode", () => {
    assert.match(problem({ path: "file:///%E0%A4%A" }), /decode/);
  });
  await t.step("arguments nested too deep", () => {
    let v: JsonValue = { path: "/etc/passwd" };
    for (let i = 0; i < 40; i++) v = { inner: v };
    assert.match(problem(v), /deeper/);
  });
  await t.step("too many paths", () => {
    const many = Array.from({ length: MAX_PATH_ARGUMENTS + 1 }, (_, i) => `/tmp/${i}`);
    assert.match(problem({ paths: many }), /more than/);
  });
});
