/**
 * Escapes through the real file system: symlinks, `..`, prefix siblings and
 * Astrid's own files, classified with the Deno probe and judged by the policy
 * and the workspace mode together.
 */

import assert from "node:assert/strict";
import { type CallDecision, decideToolCall } from "../../src/security/classify/mod.ts";
import {
  compilePolicy,
  defaultPolicyConfig,
  type PolicyConfig,
  type WorkspaceMode,
} from "../../src/security/policy/mod.ts";
import { denoFsProbe } from "../../src/workspace/deno_fs_probe.ts";

interface Tree {
  root: string;
  ws: string;
  home: string;
  decide(
    tool: string,
    args: unknown,
    opts?: { mode?: WorkspaceMode; escape?: "ask" | "deny"; policy?: Partial<PolicyConfig> },
  ): CallDecision;
}

async function withTree(fn: (t: Tree) => void | Promise<void>): Promise<void> {
  const root = Deno.realPathSync(await Deno.makeTempDir({ prefix: "astrid_escape_" }));
  const ws = `${root}/app`;
  const home = `${root}/astrid-home`;
  Deno.mkdirSync(`${ws}/src`, { recursive: true });
  Deno.mkdirSync(`${root}/app-other`);
  Deno.mkdirSync(`${root}/outside/deep`, { recursive: true });
  Deno.mkdirSync(home);
  Deno.writeTextFileSync(`${ws}/src/a.ts`, "a");
  Deno.writeTextFileSync(`${root}/outside/secret.txt`, "s");
  Deno.writeTextFileSync(`${root}/app-other/x`, "x");
  const tree: Tree = {
    root,
    ws,
    home,
    decide(tool, args, opts = {}) {
      const policy = compilePolicy({ ...defaultPolicyConfig(), ...opts.policy }, {
        workspace: ws,
        home,
      });
      return decideToolCall(tool, args, {
        policy,
        settings: {
          mode: opts.mode ?? "autonomous",
          escape_policy: opts.escape ?? "deny",
          read_allowlist: [],
        },
        probe: denoFsProbe,
      });
    },
  };
  try {
    await fn(tree);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function expect(d: CallDecision, decision: string, rule: string, path?: string): void {
  assert.equal(d.decision, decision, JSON.stringify(d));
  assert.equal(d.rule, rule, JSON.stringify(d));
  if (path !== undefined) {
    const a = d.actions.find((x) => "path" in x);
    assert.ok(
      a && "path" in a && a.path === path,
      `expected path ${path}, got ${JSON.stringify(d.actions)}`,
    );
  }
}

Deno.test("a symlink in the workspace pointing to /etc resolves to /etc and is denied by the floor", () =>
  withTree((t) => {
    Deno.symlinkSync("/etc", `${t.ws}/etc-link`);
    expect(
      t.decide("read_file", { path: "etc-link/passwd" }),
      "deny",
      "floor:path:/etc/**",
      "/etc/passwd",
    );
    expect(
      t.decide("write_file", { path: "etc-link/cron.d/evil", content: "" }),
      "deny",
      "floor:path:/etc/**",
      "/etc/cron.d/evil",
    );
    expect(t.decide("list_directory", { path: "etc-link" }), "deny", "floor:path:/etc/**", "/etc");
    expect(t.decide("glob", { pattern: "etc-link/**" }), "deny", "floor:path:/etc/**", "/etc");
  }));

Deno.test("a new file under a symlinked parent folder is outside the workspace", () =>
  withTree((t) => {
    Deno.symlinkSync(`${t.root}/outside`, `${t.ws}/out`);
    const path = `${t.root}/outside/new/file.txt`;
    expect(
      t.decide("write_file", { path: "out/new/file.txt", content: "x" }),
      "deny",
      "workspace:escape_policy=deny",
      path,
    );
    expect(
      t.decide("write_file", { path: "out/new/file.txt", content: "x" }, { escape: "ask" }),
      "ask",
      "workspace:escape_policy=ask",
      path,
    );
  }));

Deno.test("a relative symlink climbing out with .. is resolved to its target", () =>
  withTree((t) => {
    Deno.symlinkSync("../outside", `${t.ws}/rel`);
    expect(
      t.decide("read_file", { path: "rel/secret.txt" }),
      "deny",
      "workspace:escape_policy=deny",
      `${t.root}/outside/secret.txt`,
    );
  }));

Deno.test(".. after a symlink climbs from the link's target, as the kernel does", () =>
  withTree((t) => {
    Deno.symlinkSync(`${t.root}/outside/deep`, `${t.ws}/deep`);
    // Lexically "deep/../src/a.ts" is inside the workspace; the kernel opens outside/src/a.ts.
    expect(
      t.decide("read_file", { path: "deep/../secret.txt" }),
      "deny",
      "workspace:escape_policy=deny",
      `${t.root}/outside/secret.txt`,
    );
  }));

Deno.test(".. climbs and absolute paths out of the workspace are outside", () =>
  withTree((t) => {
    expect(
      t.decide("read_file", { path: "../outside/secret.txt" }),
      "deny",
      "workspace:escape_policy=deny",
      `${t.root}/outside/secret.txt`,
    );
    expect(
      t.decide("read_file", { path: "src/../../outside/secret.txt" }),
      "deny",
      "workspace:escape_policy=deny",
    );
    expect(
      t.decide("read_file", { path: `${t.root}/outside/secret.txt` }),
      "deny",
      "workspace:escape_policy=deny",
    );
    expect(
      t.decide("read_file", { path: "../../../../../../etc/shadow" }),
      "deny",
      "floor:path:/etc/**",
      "/etc/shadow",
    );
  }));

Deno.test("a prefix sibling (/x/app vs /x/app-other) is outside", () =>
  withTree((t) => {
    expect(
      t.decide("read_file", { path: `${t.root}/app-other/x` }),
      "deny",
      "workspace:escape_policy=deny",
      `${t.root}/app-other/x`,
    );
    expect(
      t.decide("read_file", { path: "../app-other/x" }),
      "deny",
      "workspace:escape_policy=deny",
    );
    const inside = t.decide("read_file", { path: "src/a.ts" });
    assert.equal(inside.decision, "allow");
  }));

Deno.test("a dangling symlink in the workspace cannot be written through", () =>
  withTree((t) => {
    Deno.symlinkSync(`${t.root}/outside/not-yet`, `${t.ws}/dangling`);
    expect(t.decide("write_file", { path: "dangling", content: "x" }), "deny", "classify:invalid");
    expect(
      t.decide("write_file", { path: "dangling/child", content: "x" }),
      "deny",
      "classify:invalid",
    );
  }));

Deno.test("a symlink loop fails closed", () =>
  withTree((t) => {
    Deno.symlinkSync(`${t.ws}/loop-b`, `${t.ws}/loop-a`);
    Deno.symlinkSync(`${t.ws}/loop-a`, `${t.ws}/loop-b`);
    expect(t.decide("read_file", { path: "loop-a/x" }), "deny", "classify:invalid");
  }));

Deno.test("writes to start-up files and Astrid's own files are denied even in autonomous mode", () =>
  withTree((t) => {
    const table: [string, string][] = [
      [".bashrc", "floor:write:**/.bashrc"],
      [".git/hooks/x", "floor:write:**/.git/hooks/**"],
      [".git/config", "floor:write:**/.git/config"],
      [".mcp.json", "floor:write:**/.mcp.json"],
      [".astrid/config.toml", `floor:write:${t.ws}/.astrid/**`],
      [`${t.home}/config.toml`, `floor:path:${t.home}/**`],
      [`${t.home}/keys/runtime.key`, `floor:path:${t.home}/**`],
    ];
    for (const [path, rule] of table) {
      expect(t.decide("write_file", { path, content: "pwned" }, { escape: "ask" }), "deny", rule);
      expect(
        t.decide("edit_file", { path, old_string: "a", new_string: "b" }, { escape: "ask" }),
        "deny",
        rule,
      );
    }
    // Through a symlink that points at the home folder.
    Deno.symlinkSync(t.home, `${t.ws}/h`);
    expect(
      t.decide("write_file", { path: "h/config.toml", content: "" }),
      "deny",
      `floor:path:${t.home}/**`,
      `${t.home}/config.toml`,
    );
  }));

Deno.test("the argument size limit denies an oversized call", () =>
  withTree((t) => {
    const big = { path: "src/a.ts", content: "x".repeat(2048) };
    expect(
      t.decide("write_file", big, { policy: { max_argument_bytes: 1024 } }),
      "deny",
      "config:policy.max_argument_bytes",
    );
    assert.equal(t.decide("write_file", big).decision, "allow", "under the default 1 MiB");
  }));

Deno.test("a denied decision leaves the file system untouched", () =>
  withTree((t) => {
    const before = [...Deno.readDirSync(t.ws)].map((e) => e.name).sort();
    t.decide("write_file", { path: ".bashrc", content: "pwned" });
    t.decide("write_file", { path: "../outside/x", content: "x" });
    assert.deepEqual([...Deno.readDirSync(t.ws)].map((e) => e.name).sort(), before);
    assert.equal(Deno.readTextFileSync(`${t.root}/outside/secret.txt`), "s");
  }));
