import assert from "node:assert/strict";
import { renderWorkspaceTemplate } from "../../src/config/mod.ts";
import { CapturedIo, runCli } from "../../src/frontends/cli/mod.ts";

async function run(args: string[], cwd: string, home: string) {
  const io = new CapturedIo();
  const code = await runCli(args, {
    io,
    env: { ASTRID_HOME: home, ASTRID_SYSTEM_CONFIG: `${home}/none.toml` },
    cwd,
  });
  return { code, out: io.out, err: io.err };
}

async function temp(): Promise<{ ws: string; home: string } & AsyncDisposable> {
  const root = await Deno.makeTempDir({ prefix: "astrid_init_" });
  await Deno.mkdir(`${root}/ws`);
  await Deno.mkdir(`${root}/home`);
  return {
    ws: `${root}/ws`,
    home: `${root}/home`,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

Deno.test("astrid init writes the commented workspace template", async () => {
  await using t = await temp();
  const r = await run(["init"], t.ws, t.home);
  assert.equal(r.code, 0, r.err);
  const path = `${t.ws}/.astrid/config.toml`;
  assert.equal(
    r.out,
    `created ${path}\nEdit it to tighten this workspace; check it with: astrid config validate ${path}\n`,
  );
  assert.equal(await Deno.readTextFile(path), renderWorkspaceTemplate());
  // The new file is valid and changes nothing: still safe mode, no warnings.
  const show = await run(["config", "show", "--json"], t.ws, t.home);
  assert.equal(show.code, 0, show.err);
  assert.equal(show.err, "");
  assert.equal(JSON.parse(show.out).config.workspace.mode, "safe");
});

Deno.test("astrid init is idempotent and never overwrites an existing file", async () => {
  await using t = await temp();
  const path = `${t.ws}/.astrid/config.toml`;
  await Deno.mkdir(`${t.ws}/.astrid`);
  await Deno.writeTextFile(path, '[workspace]\nmode = "guided"\n');
  for (let i = 0; i < 2; i++) {
    const r = await run(["init"], t.ws, t.home);
    assert.equal(r.code, 0);
    assert.equal(r.out, `${path} already exists; left unchanged\n`);
    assert.equal(await Deno.readTextFile(path), '[workspace]\nmode = "guided"\n');
  }
  const json = await run(["init", "--json"], t.ws, t.home);
  assert.deepEqual(JSON.parse(json.out), { path, created: false });
});

Deno.test("astrid init does not write through a planted symlink", async () => {
  await using t = await temp();
  const target = `${t.home}/victim.txt`;
  await Deno.writeTextFile(target, "precious");
  await Deno.mkdir(`${t.ws}/.astrid`);
  await Deno.symlink(target, `${t.ws}/.astrid/config.toml`);
  const r = await run(["init"], t.ws, t.home);
  assert.equal(r.code, 0);
  assert.match(r.out, /already exists; left unchanged/);
  assert.equal(await Deno.readTextFile(target), "precious");

  await Deno.remove(target);
  const dangling = await run(["init"], t.ws, t.home);
  assert.match(dangling.out, /already exists; left unchanged/);
  await assert.rejects(() => Deno.stat(target), Deno.errors.NotFound);
});

Deno.test("astrid init honours --workspace and --json", async () => {
  await using t = await temp();
  const other = `${t.home}/../other`;
  await Deno.mkdir(other);
  const r = await run(["--workspace", "../other", "init", "--json"], t.home, t.home);
  assert.equal(r.code, 0, r.err);
  const { path, created } = JSON.parse(r.out);
  assert.equal(created, true);
  assert.ok(path.endsWith("/other/.astrid/config.toml"));
  assert.doesNotMatch(path, /\.\./);
  assert.equal(await Deno.readTextFile(path), renderWorkspaceTemplate());
});

Deno.test("astrid init refuses a workspace that does not exist, exit 2", async () => {
  await using t = await temp();
  const r = await run(["init", "--workspace", `${t.ws}/missing`], t.ws, t.home);
  assert.equal(r.code, 2);
  assert.match(r.err, /workspace folder ".*\/missing" does not exist/);
});

Deno.test("astrid init --help explains and gives examples", async () => {
  await using t = await temp();
  const r = await run(["init", "--help"], t.ws, t.home);
  assert.equal(r.code, 0);
  assert.match(r.out, /Examples:\n {2}\$ astrid init\n/);
  assert.match(r.out, /never|left unchanged/);
});

Deno.test("astrid init refuses to write through a .astrid folder that is a symlink", async () => {
  await using t = await temp();
  const elsewhere = `${t.home}/elsewhere`;
  await Deno.mkdir(elsewhere);
  await Deno.symlink(elsewhere, `${t.ws}/.astrid`);
  const r = await run(["init"], t.ws, t.home);
  assert.equal(r.code, 1);
  assert.match(r.err, /\.astrid" is a symlink; refusing to write the workspace config through it/);
  assert.deepEqual([...Deno.readDirSync(elsewhere)], []);
});
