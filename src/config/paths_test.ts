import assert from "node:assert/strict";
import { AstridError } from "../core/mod.ts";
import { configPaths, DEFAULT_SYSTEM_CONFIG, resolveHome, resolveWorkspace } from "./paths.ts";

Deno.test("resolveHome() prefers ASTRID_HOME, then $HOME/.astrid, and fails clearly without either", () => {
  assert.equal(resolveHome({ ASTRID_HOME: "/tmp/h", HOME: "/home/me" }), "/tmp/h");
  assert.equal(resolveHome({ HOME: "/home/me" }), "/home/me/.astrid");
  assert.equal(resolveHome({ HOME: "/home/me/" }), "/home/me/.astrid");
  assert.equal(resolveHome({ ASTRID_HOME: "", HOME: "/home/me" }), "/home/me/.astrid");
  assert.throws(
    () => resolveHome({}),
    (e) => e instanceof AstridError && /set ASTRID_HOME or HOME/.test(e.message),
  );
});

Deno.test("resolveWorkspace() is the cwd, or the flag resolved against it", () => {
  assert.equal(resolveWorkspace("/work/repo"), "/work/repo");
  assert.equal(resolveWorkspace("/work/repo", "sub"), "/work/repo/sub");
  assert.equal(resolveWorkspace("/work/repo", "../other/./x/"), "/work/other/x");
  assert.equal(resolveWorkspace("/work/repo", "/abs/ws"), "/abs/ws");
  assert.equal(resolveWorkspace("/work/repo", ""), "/work/repo");
  assert.equal(resolveWorkspace("/", "../.."), "/");
});

Deno.test("configPaths() places each layer, with the system file overridable for tests", () => {
  assert.deepEqual(configPaths({ home: "/h", workspace: "/w" }), {
    system: DEFAULT_SYSTEM_CONFIG,
    user: "/h/config.toml",
    workspace: "/w/.astrid/config.toml",
  });
  assert.equal(
    configPaths({ home: "/h", workspace: "/", env: { ASTRID_SYSTEM_CONFIG: "/t/s.toml" } }).system,
    "/t/s.toml",
  );
  assert.equal(configPaths({ home: "/h", workspace: "/" }).workspace, "/.astrid/config.toml");
  assert.equal(
    configPaths({
      home: "/h",
      workspace: "/w",
      env: { ASTRID_SYSTEM_CONFIG: "/a" },
      systemPath: "/b",
    })
      .system,
    "/b",
  );
});
