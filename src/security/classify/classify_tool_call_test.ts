import assert from "node:assert/strict";
import type { Action } from "../action.ts";
import { FakeFsProbe } from "../path/fake_fs_probe.ts";
import { type ClassifiedCall, classifyToolCall } from "./classify_tool_call.ts";

function env(cwd = "/srv/app") {
  const probe = new FakeFsProbe({
    paths: [
      "/srv/app/src/main.ts",
      "/srv/app-other/x",
      "/etc/passwd",
      "/real/ws/a.txt",
      "/outside/dir",
    ],
    links: { "/srv/app/etc": "/etc", "/srv/app/out": "/outside", "/ws-link": "/real/ws" },
  });
  return { cwd, workspace: "/srv/app", probe };
}

function actions(r: ClassifiedCall): Action[] {
  assert.ok(r.ok, `expected ok, got ${!r.ok ? r.reason : ""}`);
  return r.actions;
}

function failure(r: ClassifiedCall): string {
  assert.ok(!r.ok, `expected a failure, got ${JSON.stringify(r)}`);
  return r.reason;
}

Deno.test("classifyToolCall() read_file: canonical path inside the workspace", () => {
  const r = classifyToolCall("read_file", { path: "src/main.ts", offset: 0, limit: 10 }, env());
  assert.deepEqual(actions(r), [{
    kind: "file_read",
    path: "/srv/app/src/main.ts",
    inWorkspace: true,
  }]);
  assert.equal(
    r.ok && r.argBytes,
    JSON.stringify({ path: "src/main.ts", offset: 0, limit: 10 }).length,
  );
});

Deno.test("classifyToolCall() resolves escapes to the real target and marks them outside", async (t) => {
  const table: [string, string][] = [
    ["../../etc/passwd", "/etc/passwd"],
    ["/etc/passwd", "/etc/passwd"],
    ["etc/passwd", "/etc/passwd"],
    ["out/new/file.txt", "/outside/new/file.txt"],
    ["../app-other/x", "/srv/app-other/x"],
    ["/srv/app-other/x", "/srv/app-other/x"],
  ];
  for (const [path, real] of table) {
    await t.step(path, () => {
      const got = actions(classifyToolCall("write_file", { path, content: "" }, env()));
      assert.deepEqual(got, [{ kind: "file_write", path: real, inWorkspace: false }]);
    });
  }
});

Deno.test("classifyToolCall() resolves the workspace root itself through symlinks", () => {
  const e = { ...env("/ws-link"), workspace: "/ws-link" };
  assert.deepEqual(actions(classifyToolCall("read_file", { path: "a.txt" }, e)), [
    { kind: "file_read", path: "/real/ws/a.txt", inWorkspace: true },
  ]);
});

Deno.test("classifyToolCall() edit_file reads and writes the same canonical path", () => {
  const got = actions(
    classifyToolCall("edit_file", {
      path: "src/main.ts",
      old_string: "a",
      new_string: "",
      replace_all: true,
    }, env()),
  );
  assert.deepEqual(got.map((a) => a.kind), ["file_read", "file_write"]);
  assert.ok(got.every((a) => "path" in a && a.path === "/srv/app/src/main.ts"));
});

Deno.test("classifyToolCall() glob reads the folder its pattern can reach", () => {
  const read = (args: unknown) => actions(classifyToolCall("glob", args, env()))[0];
  assert.deepEqual(read({ pattern: "**/*.ts" }), {
    kind: "file_read",
    path: "/srv/app",
    inWorkspace: true,
  });
  assert.deepEqual(read({ pattern: "src/*.ts" }), {
    kind: "file_read",
    path: "/srv/app/src",
    inWorkspace: true,
  });
  assert.deepEqual(read({ pattern: "../../etc/*" }), {
    kind: "file_read",
    path: "/etc",
    inWorkspace: false,
  });
  assert.deepEqual(read({ pattern: "/etc/**" }), {
    kind: "file_read",
    path: "/etc",
    inWorkspace: false,
  });
  assert.deepEqual(read({ pattern: "*", path: "etc" }), {
    kind: "file_read",
    path: "/etc",
    inWorkspace: false,
  });
  assert.match(failure(classifyToolCall("glob", { pattern: "*/../../../etc/*" }, env())), /climbs/);
});

Deno.test("classifyToolCall() grep and list_directory read their folder (default: cwd)", () => {
  assert.deepEqual(actions(classifyToolCall("grep", { pattern: "x" }, env("/srv/app/src"))), [
    { kind: "file_read", path: "/srv/app/src", inWorkspace: true },
  ]);
  assert.deepEqual(
    actions(classifyToolCall("grep", { pattern: "x", path: "/etc", glob: "*.conf" }, env())),
    [
      { kind: "file_read", path: "/etc", inWorkspace: false },
    ],
  );
  assert.match(
    failure(classifyToolCall("grep", { pattern: "x", glob: "**/../../x" }, env())),
    /climbs/,
  );
  assert.match(
    failure(classifyToolCall("grep", { pattern: "x", glob: "/etc/*" }, env())),
    /relative/,
  );
  assert.deepEqual(actions(classifyToolCall("list_directory", {}, env())), [
    { kind: "file_read", path: "/srv/app", inWorkspace: true },
  ]);
});

Deno.test("classifyToolCall() task has no direct action; MCP tools become mcp_tool actions", () => {
  assert.deepEqual(
    actions(
      classifyToolCall("task", { description: "d", prompt: "p", tools: ["read_file"] }, env()),
    ),
    [],
  );
  assert.deepEqual(actions(classifyToolCall("mcp:github:create_issue", { title: "x" }, env())), [
    { kind: "mcp_tool", server: "github", tool: "create_issue", args: { title: "x" } },
  ]);
  assert.deepEqual(actions(classifyToolCall("mcp:fs:ns:tool", {}, env()))[0], {
    kind: "mcp_tool",
    server: "fs",
    tool: "ns:tool",
    args: {},
  });
  for (const bad of ["mcp:", "mcp:github", "mcp::x", "mcp:a b:x", "mcp:gh:"]) {
    assert.match(failure(classifyToolCall(bad, {}, env())), /mcp:<server>:<tool>/, bad);
  }
});

Deno.test("classifyToolCall() refuses malformed arguments with clear messages", async (t) => {
  const table: [string, unknown, RegExp][] = [
    ["read_file", {}, /read_file: "path" must be a non-empty string, got nothing/],
    ["read_file", { path: "" }, /"path" must be a non-empty string, got ""/],
    ["read_file", { path: 5 }, /"path" must be a non-empty string, got 5/],
    ["read_file", { path: "a", offset: -1 }, /"offset" must be a whole number >= 0, got -1/],
    ["read_file", { path: "a", limit: 1.5 }, /"limit" must be a whole number >= 1/],
    ["read_file", { path: "a", follow: true }, /unknown argument "follow"/],
    ["read_file", null, /expected a JSON object of arguments, got null/],
    ["read_file", ["a"], /expected a JSON object/],
    ["read_file", "a", /expected a JSON object/],
    ["write_file", { path: "a" }, /"content" must be a string, got nothing/],
    [
      "edit_file",
      { path: "a", old_string: "x", new_string: "y", replace_all: "yes" },
      /"replace_all" must be true or false/,
    ],
    ["bash", { command: "" }, /"command" must be a non-empty string/],
    ["bash", { command: "ls", timeout_secs: 0 }, /"timeout_secs" must be a positive number/],
    ["bash", { command: "ls", cwd: "/" }, /unknown argument "cwd"/],
    ["task", { description: "d" }, /"prompt" must be a non-empty string/],
    [
      "task",
      { description: "d", prompt: "p", tools: [1] },
      /"tools" must be an array of non-empty strings/,
    ],
    ["rm_rf", {}, /unknown tool "rm_rf"/],
    ["read_file", undefined, /arguments are missing/],
  ];
  for (const [tool, args, want] of table) {
    await t.step(
      `${tool} ${JSON.stringify(args)}`,
      () => assert.match(failure(classifyToolCall(tool, args, env())), want),
    );
  }
});

Deno.test("classifyToolCall() refuses arguments that are not plain JSON", () => {
  const cyclic: Record<string, unknown> = { path: "a" };
  cyclic.self = cyclic;
  assert.match(failure(classifyToolCall("read_file", cyclic, env())), /not JSON/);
  assert.match(
    failure(classifyToolCall("read_file", new Map([["path", "a"]]), env())),
    /plain JSON object/,
  );
  assert.match(failure(classifyToolCall("read_file", { path: "a", n: 1n }, env())), /not JSON/);
});

Deno.test("classifyToolCall() fails closed when a path cannot be resolved", () => {
  const e = env();
  e.probe.deny("/srv/app/src");
  assert.match(
    failure(classifyToolCall("read_file", { path: "src/main.ts" }, e)),
    /permission denied/,
  );
  assert.match(failure(classifyToolCall("read_file", { path: "new/../../x" }, env())), /climbs/);
  assert.match(failure(classifyToolCall("read_file", { path: "a\0b" }, env())), /NUL/);
  assert.match(
    failure(classifyToolCall("read_file", { path: "a" }, { ...env(), workspace: "/nope" })),
    /workspace "\/nope" does not exist/,
  );
  assert.match(
    failure(classifyToolCall("read_file", { path: "a" }, { ...env(), cwd: "rel" })),
    /not an absolute path/,
  );
});

Deno.test("classifyToolCall() counts argument bytes as UTF-8", () => {
  const r = classifyToolCall("write_file", { path: "a", content: "é".repeat(10) }, env());
  assert.ok(r.ok);
  assert.equal(
    r.argBytes,
    new TextEncoder().encode(JSON.stringify({ path: "a", content: "é".repeat(10) })).length,
  );
  assert.equal(r.argBytes, 45, "not 35 UTF-16 code units");
});

Deno.test("classifyToolCall() bash: a command action with canonical cwd, and file actions marked", () => {
  const got = actions(classifyToolCall("bash", { command: "ls" }, env("/srv/app/src")));
  const cmd = got[0];
  assert.equal(cmd?.kind, "command");
  assert.ok(
    cmd?.kind === "command" && cmd.cwd === "/srv/app/src" && cmd.executables?.includes("ls"),
  );
  for (const a of got) {
    if (a.kind === "file_read" || a.kind === "file_write" || a.kind === "file_delete") {
      assert.equal(typeof a.inWorkspace, "boolean");
    }
  }
});

Deno.test("classifyToolCall() bash: /usr/bin/sudo is reported as an executable the policy can block", () => {
  const got = actions(classifyToolCall("bash", { command: "/usr/bin/sudo id" }, env()));
  const cmd = got.find((a) => a.kind === "command");
  assert.ok(cmd?.kind === "command");
  assert.ok(
    cmd.executables?.some((e) => e === "sudo" || e === "/usr/bin/sudo"),
    JSON.stringify(cmd),
  );
});
