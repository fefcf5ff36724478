import assert from "node:assert/strict";
import { CapturedIo, type CliContext } from "./context.ts";
import { buildProgram, runCli } from "./program.ts";
import { VERSION } from "./version.ts";

async function astrid(...args: string[]) {
  const io = new CapturedIo();
  const home = "/nonexistent/astrid-home-for-cli-tests";
  const code = await runCli(args, { io, env: { ASTRID_HOME: home }, cwd: "/" });
  return { code, out: io.out, err: io.err };
}

/** `astrid --help`'s Commands section as name -> listed subcommands. */
function listedCommands(help: string): Map<string, string[]> {
  const section = help.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? "";
  const out = new Map<string, string[]>();
  for (const line of section.split("\n")) {
    const m = line.match(/^ {2}([a-z][\w-]*)(?: ([a-z][\w|-]*))?(?: \[[^\]]*\])? {2,}\S/);
    if (m) out.set(m[1]!, m[2] ? m[2].split("|") : []);
  }
  return out;
}

/** Every subcommand issue 2 names (the seed's command table plus `policy check`). */
const ISSUE_2_COMMANDS: Record<string, string[]> = {
  chat: [],
  init: [],
  daemon: ["run", "status", "stop"],
  sessions: ["list", "show", "delete", "cleanup"],
  capsule: ["list", "install", "remove", "compile", "info"],
  servers: ["list", "running", "start", "stop", "tools"],
  audit: ["list", "show", "verify", "stats"],
  config: ["show", "validate", "paths"],
  keys: ["show", "generate"],
  policy: ["check"],
};

function topLevelCommands(): { name: string; description: string; subs: string[] }[] {
  const ctx: CliContext = {
    io: new CapturedIo(),
    env: {},
    cwd: "/",
    setExitCode: () => {},
  };
  return buildProgram(ctx).commands.map((c) => ({
    name: c.name(),
    description: c.description(),
    subs: c.commands.map((s) => s.name()).filter((n) => n !== "help"),
  }));
}

Deno.test("astrid --help lists every subcommand issue 2 names", async () => {
  const r = await astrid("--help");
  assert.equal(r.code, 0);
  assert.equal(r.err, "");
  const listed = listedCommands(r.out);
  for (const [name, subs] of Object.entries(ISSUE_2_COMMANDS)) {
    assert.ok(listed.has(name), `'${name}' missing from astrid --help`);
    for (const sub of subs) {
      assert.ok(listed.get(name)!.includes(sub), `'${name} ${sub}' missing from astrid --help`);
    }
  }
});

Deno.test("astrid --help gives every command a one-line description", async () => {
  const r = await astrid("--help");
  const listed = listedCommands(r.out);
  const commands = topLevelCommands();
  assert.ok(commands.length >= Object.keys(ISSUE_2_COMMANDS).length);
  for (const c of commands) {
    assert.ok(listed.has(c.name), `'${c.name}' not listed`);
    assert.ok(c.description.length > 0 && !c.description.includes("\n"), c.name);
    assert.deepEqual(listed.get(c.name), c.subs, `subcommands of ${c.name}`);
  }
});

Deno.test("astrid <command> --help gives usage and examples for every top-level command", async (t) => {
  for (const c of topLevelCommands()) {
    await t.step(c.name, async () => {
      const r = await astrid(c.name, "--help");
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`^Usage: astrid ${c.name}\\b`));
      assert.match(r.out, new RegExp(`\\nExamples:\\n {2}\\$ astrid ${c.name}\\b`));
      const viaHelp = await astrid("help", c.name);
      assert.equal(viaHelp.code, 0);
      assert.equal(viaHelp.out, r.out);
    });
  }
});

Deno.test("astrid --version and -V print deno.json's version", async () => {
  const denoJson = JSON.parse(
    await Deno.readTextFile(new URL("../../../deno.json", import.meta.url)),
  ) as { version: string };
  assert.equal(VERSION, denoJson.version);
  for (const flag of ["--version", "-V"]) {
    const r = await astrid(flag);
    assert.equal(r.code, 0);
    assert.equal(r.out, `${denoJson.version}\n`);
  }
});

Deno.test("usage errors exit 2 with a one-line reason and the right --help", async (t) => {
  const cases: [string[], RegExp, string][] = [
    [["bogus"], /^astrid: unknown command 'bogus'$/, "astrid"],
    [["chatt"], /unknown command 'chatt'.*Did you mean chat\?/, "astrid"],
    [["--bogus"], /^astrid: unknown option '--bogus'$/, "astrid"],
    [["--set"], /option '--set <key=value>' argument missing/, "astrid"],
    [["-w", "/tmp", "bogus"], /unknown command 'bogus'/, "astrid"],
    [["help", "bogus"], /^astrid: unknown command 'bogus'$/, "astrid"],
    [["keys"], /^astrid: 'astrid keys' needs a subcommand: show, generate$/, "astrid keys"],
    [["keys", "bogus"], /^astrid: unknown command 'bogus'$/, "astrid keys"],
    [["keys", "show", "--bogus"], /^astrid: unknown option '--bogus'$/, "astrid keys show"],
    [["keys", "show", "extra"], /too many arguments/, "astrid keys show"],
    [["daemon"], /'astrid daemon' needs a subcommand: run, status, stop/, "astrid daemon"],
  ];
  for (const [args, reason, helpOf] of cases) {
    await t.step(args.join(" "), async () => {
      const r = await astrid(...args);
      assert.equal(r.code, 2, r.err);
      assert.equal(r.out, "");
      const lines = r.err.split("\n");
      assert.equal(lines.length, 3, `expected two lines, got ${JSON.stringify(r.err)}`);
      assert.match(lines[0]!, reason);
      assert.equal(lines[1], `Run '${helpOf} --help' for usage.`);
    });
  }
});

Deno.test("placeholder commands refuse to run: exit 1 with 'not available', nothing on stdout", async (t) => {
  const placeholders = topLevelCommands().filter((c) =>
    c.description.includes("not yet available")
  );
  for (const c of placeholders) {
    const invocations = c.subs.length === 0
      ? [[c.name], [c.name, "--some-flag", "value"]]
      : c.subs.map((s) => [c.name, s, "arg", "--flag"]);
    for (const args of invocations) {
      await t.step(args.join(" "), async () => {
        const r = await astrid(...args);
        assert.equal(r.code, 1, `${args.join(" ")} exited ${r.code}: ${r.err}`);
        assert.equal(r.out, "");
        assert.match(
          r.err,
          new RegExp(`^astrid ${args.slice(0, c.subs.length ? 2 : 1).join(" ")}: not available`),
        );
      });
    }
  }
});

Deno.test("runCli() maps an unexpected exception to exit 70 with 'internal error'", async () => {
  const io = new CapturedIo();
  const brokenEnv = new Proxy({}, {
    get() {
      throw new Error("boom");
    },
  }) as Record<string, string>;
  const code = await runCli(["keys", "show"], { io, env: brokenEnv, cwd: "/" });
  assert.equal(code, 70);
  assert.match(io.err, /^astrid: internal error: Error: boom/);
});
