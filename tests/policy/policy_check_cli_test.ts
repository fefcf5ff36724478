/**
 * `astrid policy check`, in-process against real temporary folders.
 */

import assert from "node:assert/strict";
import { CapturedIo, runCli } from "../../src/frontends/cli/mod.ts";

interface Fixture {
  root: string;
  home: string;
  ws: string;
  env: Record<string, string>;
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const root = Deno.realPathSync(await Deno.makeTempDir({ prefix: "astrid_policy_cli_" }));
  const f: Fixture = {
    root,
    home: `${root}/home`,
    ws: `${root}/ws`,
    env: { ASTRID_HOME: `${root}/home`, ASTRID_SYSTEM_CONFIG: `${root}/none.toml`, HOME: root },
  };
  Deno.mkdirSync(f.home);
  Deno.mkdirSync(`${f.ws}/src`, { recursive: true });
  Deno.writeTextFileSync(`${f.ws}/src/a.ts`, "x");
  try {
    await fn(f);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function run(f: Fixture, args: string[], env: Record<string, string> = {}) {
  const io = new CapturedIo();
  const code = await runCli(args, { io, env: { ...f.env, ...env }, cwd: f.ws });
  return { code, out: io.out, err: io.err };
}

async function json(f: Fixture, args: string[], env: Record<string, string> = {}) {
  const r = await run(f, ["policy", "check", "--json", ...args], env);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}

Deno.test("policy check --json reports a floor deny with stage, rule and reason", () =>
  withFixture(async (f) => {
    const out = await json(f, ["read_file", '{"path": "/etc/shadow"}']);
    assert.equal(out.decision, "deny");
    assert.equal(out.stage, "policy");
    assert.equal(out.rule, "floor:path:/etc/**");
    assert.match(out.reason, /"\/etc\/shadow"/);
    assert.deepEqual(out.actions, [{ kind: "file_read", path: "/etc/shadow", inWorkspace: false }]);
  }));

Deno.test("policy check honours --mode, and the config's mode by default", () =>
  withFixture(async (f) => {
    const args = ["write_file", '{"path": "src/a.ts", "content": "y"}'];
    assert.equal((await json(f, args)).decision, "ask", "default mode is safe");
    assert.equal((await json(f, ["--mode", "autonomous", ...args])).decision, "allow");
    const guided = await json(f, args, { ASTRID_WORKSPACE__MODE: "guided" });
    assert.deepEqual([guided.decision, guided.stage, guided.rule], [
      "ask",
      "mode",
      "mode:guided:write",
    ]);
    const read = await json(f, ["--mode", "guided", "read_file", '{"path": "src/a.ts"}']);
    assert.deepEqual([read.decision, read.stage], ["allow", "mode"]);
  }));

Deno.test("policy check applies [policy] from the config files", () =>
  withFixture(async (f) => {
    Deno.writeTextFileSync(
      `${f.home}/config.toml`,
      `[policy]\ndenied_paths = ["**/*.secret"]\nalways_ask_tools = ["glob"]\n`,
    );
    const d = await json(f, ["--mode", "autonomous", "read_file", '{"path": "src/x.secret"}']);
    assert.deepEqual([d.decision, d.rule], ["deny", "config:policy.denied_paths[0]"]);
    const a = await json(f, ["--mode", "autonomous", "glob", '{"pattern": "*.ts"}']);
    assert.deepEqual([a.decision, a.stage, a.rule], [
      "ask",
      "policy",
      "config:policy.always_ask_tools[0]",
    ]);
  }));

Deno.test("policy check denies writes to Astrid's own config in the home and the workspace", () =>
  withFixture(async (f) => {
    const home = await json(f, [
      "--mode",
      "autonomous",
      "write_file",
      JSON.stringify({ path: `${f.home}/config.toml`, content: "" }),
    ]);
    assert.deepEqual([home.decision, home.rule], ["deny", `floor:path:${f.home}/**`]);
    const ws = await json(f, [
      "--mode",
      "autonomous",
      "write_file",
      '{"path": ".astrid/config.toml", "content": ""}',
    ]);
    assert.deepEqual([ws.decision, ws.rule], ["deny", `floor:write:${f.ws}/.astrid/**`]);
  }));

Deno.test("policy check follows a symlink out of the workspace to its real target", () =>
  withFixture(async (f) => {
    Deno.symlinkSync("/etc", `${f.ws}/sys-etc`);
    const d = await json(f, ["--mode", "autonomous", "read_file", '{"path": "sys-etc/passwd"}']);
    assert.deepEqual([d.decision, d.rule], ["deny", "floor:path:/etc/**"]);
    assert.equal(d.actions[0].path, "/etc/passwd");
  }));

Deno.test("policy check prints a readable text form", () =>
  withFixture(async (f) => {
    const r = await run(f, [
      "policy",
      "check",
      "--mode",
      "guided",
      "read_file",
      '{"path": "src/a.ts"}',
    ]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split("\n");
    assert.deepEqual(lines.slice(0, 3), [
      "decision  allow",
      "stage     mode",
      "rule      mode:guided:read",
    ]);
    assert.match(lines[3]!, /^reason {4}\S/);
    assert.equal(lines[4], "mode      guided (escape_policy ask)");
    assert.equal(
      lines[5],
      `actions   Read file: ${f.ws}/src/a.ts  [policy: allow; mode: allow mode:guided:read]`,
    );
    assert.equal(lines.length, 7);
  }));

Deno.test("policy check rejects bad arguments with exit 2 and names the problem", () =>
  withFixture(async (f) => {
    const bad = await run(f, ["policy", "check", "read_file", "{path: x}"]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /<args-json> is not valid JSON: .*\{path: x\}/);
    const arr = await run(f, ["policy", "check", "read_file", "[1]"]);
    assert.equal(arr.code, 2);
    assert.match(arr.err, /<args-json> must be a JSON object, got "\[1\]"/);
    const mode = await run(f, ["policy", "check", "--mode", "yolo", "read_file", "{}"]);
    assert.equal(mode.code, 2);
    assert.match(mode.err, /--mode "yolo" is not one of safe, guided, autonomous/);
    const missing = await run(f, ["policy", "check", "read_file"]);
    assert.equal(missing.code, 2);
  }));

Deno.test("policy check denies a call it cannot classify instead of failing", () =>
  withFixture(async (f) => {
    const d = await json(f, ["read_file", '{"path": 1}']);
    assert.deepEqual([d.decision, d.stage, d.rule], ["deny", "classify", "classify:invalid"]);
    const u = await json(f, ["launch_missiles", "{}"]);
    assert.match(u.reason, /unknown tool "launch_missiles"/);
  }));

Deno.test("policy check executes nothing: a write that would be allowed leaves the file untouched", () =>
  withFixture(async (f) => {
    const d = await json(f, [
      "--mode",
      "autonomous",
      "write_file",
      '{"path": "src/a.ts", "content": "CHANGED"}',
    ]);
    assert.equal(d.decision, "allow");
    assert.equal(Deno.readTextFileSync(`${f.ws}/src/a.ts`), "x");
    const rm = await json(f, ["--mode", "autonomous", "bash", '{"command": "rm src/a.ts"}']);
    assert.ok(["allow", "ask"].includes(rm.decision));
    assert.equal(Deno.readTextFileSync(`${f.ws}/src/a.ts`), "x");
    assert.deepEqual([...Deno.readDirSync(f.home)], [], "nothing recorded under the home");
  }));

Deno.test("policy check bash: sudo behind a path is blocked by the floor", () =>
  withFixture(async (f) => {
    const d = await json(f, ["bash", '{"command": "/usr/bin/sudo id"}']);
    assert.deepEqual([d.decision, d.stage, d.rule], ["deny", "policy", "floor:command:sudo"]);
  }));
