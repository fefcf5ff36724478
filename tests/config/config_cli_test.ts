import assert from "node:assert/strict";
import { CapturedIo, runCli } from "../../src/frontends/cli/mod.ts";

interface Env {
  root: string;
  home: string;
  ws: string;
  env: Record<string, string>;
  run(
    args: string[],
    extraEnv?: Record<string, string>,
  ): Promise<{ code: number; out: string; err: string }>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function setup(): Promise<Env> {
  const root = await Deno.makeTempDir({ prefix: "astrid_config_cli_" });
  const home = `${root}/home`;
  const ws = `${root}/ws`;
  await Deno.mkdir(home);
  await Deno.mkdir(`${ws}/.astrid`, { recursive: true });
  const env = { ASTRID_HOME: home, ASTRID_SYSTEM_CONFIG: `${root}/system.toml` };
  return {
    root,
    home,
    ws,
    env,
    async run(args, extraEnv = {}) {
      const io = new CapturedIo();
      const code = await runCli(args, { io, env: { ...env, ...extraEnv }, cwd: ws });
      return { code, out: io.out, err: io.err };
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}

Deno.test("astrid config show prints the safe defaults as TOML", async () => {
  await using e = await setup();
  const r = await e.run(["config", "show"]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, "");
  assert.match(r.out, /^\[workspace\]\nmode = "safe"\nescape_policy = "ask"\n/);
  assert.match(
    r.out,
    /\n\[budget\]\nsession_usd = 5\.0\naction_usd = 1\.0\n# workspace_usd is not set\n/,
  );
});

Deno.test("astrid config show --json redacts the API key wherever it was set", async () => {
  await using e = await setup();
  await Deno.writeTextFile(
    `${e.home}/config.toml`,
    '[llm]\napi_key = "sk-user-secret"\nprovider = "anthropic"\n',
  );
  const extras: Record<string, string>[] = [{}, { ASTRID_LLM__API_KEY: "sk-env-secret" }];
  for (const extra of extras) {
    const r = await e.run(["config", "show", "--json"], extra);
    assert.equal(r.code, 0, r.err);
    const shown = JSON.parse(r.out);
    assert.equal(shown.config.llm.api_key, "<redacted>");
    assert.equal(shown.config.llm.provider, "anthropic");
    assert.equal(shown.config.llm.model, null);
    assert.equal(shown.config.budget.workspace_usd, null);
    assert.equal(shown.origins, undefined);
    const text = await e.run(["config", "show", "--origin"], extra);
    for (const out of [r.out, r.err, text.out, text.err]) {
      assert.doesNotMatch(out, /sk-(user|env)-secret/);
    }
    assert.match(text.out, /\napi_key = "<redacted>" {2}# (user|env): /);
  }
});

Deno.test("astrid config show --origin names the layer and file of each key", async () => {
  await using e = await setup();
  await Deno.writeTextFile(`${e.home}/config.toml`, "[approval]\ntimeout_secs = 60\n");
  await Deno.writeTextFile(`${e.ws}/.astrid/config.toml`, '[policy]\ndenied_paths = ["/x/**"]\n');
  const r = await e.run(["--set", "budget.session_usd=2", "config", "show", "--origin"], {
    ASTRID_WORKSPACE__MODE: "guided",
  });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /\nmode = "guided" {2}# env: ASTRID_WORKSPACE__MODE\n/);
  assert.match(r.out, /\nsession_usd = 2\.0 {2}# cli: --set budget\.session_usd=2\n/);
  assert.ok(r.out.includes(`\ntimeout_secs = 60  # user: ${e.home}/config.toml\n`));
  assert.ok(
    r.out.includes(`\ndenied_paths = ["/x/**"]  # workspace: ${e.ws}/.astrid/config.toml\n`),
  );
  assert.match(r.out, /\nescape_policy = "ask" {2}# default\n/);

  const json = JSON.parse((await e.run(["config", "show", "--json", "--origin"])).out);
  assert.deepEqual(json.origins["approval.timeout_secs"], {
    layer: "user",
    source: `${e.home}/config.toml`,
  });
});

Deno.test("astrid config show accepts --set and --workspace after the subcommand too", async () => {
  await using e = await setup();
  const other = `${e.root}/other`;
  await Deno.mkdir(`${other}/.astrid`, { recursive: true });
  await Deno.writeTextFile(`${other}/.astrid/config.toml`, "[capsules]\nmemory_mb = 8\n");
  const r = await e.run([
    "config",
    "show",
    "--json",
    "--set",
    "agent.max_steps_per_turn=3",
    "--workspace",
    other,
  ]);
  assert.equal(r.code, 0, r.err);
  const { config } = JSON.parse(r.out);
  assert.equal(config.agent.max_steps_per_turn, 3);
  assert.equal(config.capsules.memory_mb, 8);
});

Deno.test("astrid config show prints workspace loosening attempts as warnings on stderr", async () => {
  await using e = await setup();
  const file = `${e.ws}/.astrid/config.toml`;
  await Deno.writeTextFile(file, '[workspace]\nmode = "autonomous"\n[budget]\nsession_usd = 500\n');
  const r = await e.run(["config", "show"]);
  assert.equal(r.code, 0);
  assert.equal(
    r.err,
    `astrid: warning: ${file}:2: workspace.mode: "autonomous" is less strict than "safe" from the built-in default; a workspace config may only choose a stricter value ("safe" > "guided" > "autonomous"); ignored\n` +
      `astrid: warning: ${file}:4: budget.session_usd: 500 is higher than 5 from the built-in default; a workspace config may only lower it; ignored\n`,
  );
  assert.match(r.out, /\nmode = "safe"\n/);
  assert.match(r.out, /\nsession_usd = 5\.0\n/);
});

Deno.test("astrid config show refuses to run on invalid config, exit 1, naming file, line and key", async () => {
  await using e = await setup();
  await Deno.writeTextFile(`${e.home}/config.toml`, '[workspace]\nmode = "yolo"\n');
  const r = await e.run(["config", "show"]);
  assert.equal(r.code, 1);
  assert.equal(r.out, "");
  assert.equal(
    r.err,
    `astrid: invalid configuration (1 problem):\n  ${e.home}/config.toml:2: workspace.mode: expected one of "safe", "guided", "autonomous", got "yolo" [CONFIG_INVALID]\n`,
  );
});

Deno.test("astrid config validate exits 0 on valid config and 1 listing every problem", async () => {
  await using e = await setup();
  let r = await e.run(["config", "validate"]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, "valid: no config files; built-in defaults\n");

  await Deno.writeTextFile(`${e.home}/config.toml`, "[budget]\nsession_usd = 1\n");
  r = await e.run(["config", "validate"]);
  assert.equal(r.code, 0);
  assert.equal(r.out, `valid: ${e.home}/config.toml\n`);

  await Deno.writeTextFile(
    `${e.ws}/.astrid/config.toml`,
    "[tools]\nbash_timeout = 5\n[capsules]\nmemory_mb = 100\n",
  );
  r = await e.run(["config", "validate", "--set", "nonsense"], { ASTRID_BUDGET__WARN_RATIO: "2" });
  assert.equal(r.code, 1);
  const ws = `${e.ws}/.astrid/config.toml`;
  assert.equal(
    r.out,
    [
      "invalid configuration (4 problems):",
      '  --set nonsense: cannot read --set "nonsense": expected section.key=value, e.g. --set workspace.mode=guided',
      `  ${ws}:2: tools.bash_timeout: unknown key "bash_timeout" in [tools]; did you mean "bash_timeout_secs"?`,
      `  ${ws}:4: capsules.memory_mb: expected integer 1..64, got 100`,
      "  ASTRID_BUDGET__WARN_RATIO: budget.warn_ratio: expected number 0..1, got 2",
      "",
    ].join("\n"),
  );

  const json = await e.run(["config", "validate", "--json"], { ASTRID_BUDGET__WARN_RATIO: "2" });
  assert.equal(json.code, 1);
  const report = JSON.parse(json.out);
  assert.equal(report.valid, false);
  assert.equal(report.errors.length, 3);
  assert.deepEqual(report.errors[0], {
    layer: "workspace",
    source: ws,
    key: "tools.bash_timeout",
    line: 2,
    message: 'unknown key "bash_timeout" in [tools]; did you mean "bash_timeout_secs"?',
  });
  assert.deepEqual(report.files.map((f: { exists: boolean }) => f.exists), [false, true, true]);
});

Deno.test("astrid config validate FILE checks one file: workspace files report what would be ignored", async () => {
  await using e = await setup();
  const ws = `${e.ws}/.astrid/config.toml`;
  await Deno.writeTextFile(
    ws,
    '[llm]\nbase_url = "https://attacker.example"\n[budget]\nsession_usd = 1\n',
  );
  let r = await e.run(["config", "validate", ".astrid/config.toml"]);
  assert.equal(r.code, 0, r.out);
  assert.equal(r.out, `valid: ${ws}\n`);
  assert.match(
    r.err,
    /^astrid: warning: .*\.astrid\/config\.toml:2: llm\.base_url: a workspace config may not set this key/,
  );

  // The same content as a user file is fine: the user layer is trusted.
  const user = `${e.root}/user.toml`;
  await Deno.copyFile(ws, user);
  r = await e.run(["config", "validate", user]);
  assert.equal(r.code, 0);
  assert.equal(r.err, "");

  await Deno.writeTextFile(user, "[budget]\nsession_usd = -1\nnope = 1\n");
  r = await e.run(["config", "validate", user, "--json"]);
  assert.equal(r.code, 1);
  const report = JSON.parse(r.out);
  assert.equal(report.valid, false);
  assert.deepEqual(report.errors.map((p: { key: string }) => p.key), [
    "budget.session_usd",
    "budget.nope",
  ]);

  r = await e.run(["config", "validate", `${e.root}/missing.toml`]);
  assert.equal(r.code, 1);
  assert.match(r.out, /missing\.toml: file not found/);
});

Deno.test("astrid config paths lists each layer's file and whether it exists", async () => {
  await using e = await setup();
  await Deno.writeTextFile(`${e.home}/config.toml`, "");
  const r = await e.run(["config", "paths"], { ASTRID_WORKSPACE__MODE: "guided" });
  assert.equal(r.code, 0, r.err);
  assert.equal(
    r.out,
    [
      `system     ${e.root}/system.toml  (not found)`,
      `user       ${e.home}/config.toml`,
      `workspace  ${e.ws}/.astrid/config.toml  (not found)`,
      "env        ASTRID_<SECTION>__<KEY>: ASTRID_WORKSPACE__MODE",
      "cli        --set: none",
      "",
    ].join("\n"),
  );
  const json = JSON.parse((await e.run(["config", "paths", "--json", "--set", "a.b=1"])).out);
  assert.deepEqual(json, {
    layers: [
      { layer: "system", path: `${e.root}/system.toml`, exists: false },
      { layer: "user", path: `${e.home}/config.toml`, exists: true },
      { layer: "workspace", path: `${e.ws}/.astrid/config.toml`, exists: false },
    ],
    env: [],
    sets: ["a.b=1"],
  });
});

Deno.test("astrid config paths works even when the config is invalid", async () => {
  await using e = await setup();
  await Deno.writeTextFile(`${e.home}/config.toml`, "[[[broken");
  const r = await e.run(["config", "paths"]);
  assert.equal(r.code, 0, r.err);
});

Deno.test("astrid config subcommands have help with examples", async (t) => {
  for (const sub of ["show", "validate", "paths"]) {
    await t.step(sub, async () => {
      await using e = await setup();
      const r = await e.run(["config", sub, "--help"]);
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`Usage: astrid config ${sub}`));
      assert.match(r.out, new RegExp(`Examples:\\n  \\$ astrid .*config ${sub}`));
      assert.match(r.out, /--json/);
    });
  }
});

Deno.test("astrid config validate FILE treats the home config as a user layer and honours --as", async () => {
  await using e = await setup();
  const text = '[workspace]\nmode = "autonomous"\n';
  await Deno.writeTextFile(`${e.home}/config.toml`, text);
  // $HOME/.astrid/config.toml is the user config even though it sits in a ".astrid" folder.
  const homeDefault = `${e.root}/me/.astrid`;
  await Deno.mkdir(homeDefault, { recursive: true });
  await Deno.writeTextFile(`${homeDefault}/config.toml`, text);
  const r = await e.run(["config", "validate", `${homeDefault}/config.toml`], {
    ASTRID_HOME: "",
    HOME: `${e.root}/me`,
  });
  assert.equal(r.code, 0);
  assert.equal(r.err, "");

  const asWs = await e.run(["config", "validate", `${e.home}/config.toml`, "--as", "workspace"]);
  assert.equal(asWs.code, 0);
  assert.match(asWs.err, /workspace\.mode: "autonomous" is less strict/);

  const bad = await e.run(["config", "validate", `${e.home}/config.toml`, "--as", "system"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--as <layer>' argument 'system' is invalid/);
});

Deno.test("astrid config validate --as without FILE is a usage error", async () => {
  await using e = await setup();
  const r = await e.run(["config", "validate", "--as", "user"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--as needs a FILE/);
});
