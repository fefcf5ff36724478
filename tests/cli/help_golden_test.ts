/**
 * Snapshot tests of `--help`: the root help and every top-level command's help
 * are compared with golden files in tests/cli/golden/. After an intended
 * change, rewrite them with:
 *
 *   UPDATE_GOLDEN=1 deno test --allow-all tests/cli/help_golden_test.ts
 *
 * and review the diff before committing.
 */

import assert from "node:assert/strict";
import { buildProgram, CapturedIo, runCli } from "../../src/frontends/cli/mod.ts";

const GOLDEN = new URL("./golden/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";

async function helpOf(args: string[]): Promise<string> {
  const io = new CapturedIo();
  const code = await runCli([...args, "--help"], { io, env: {}, cwd: "/" });
  assert.equal(code, 0, io.err);
  return io.out;
}

function commandNames(): string[] {
  const program = buildProgram({ io: new CapturedIo(), env: {}, cwd: "/", setExitCode: () => {} });
  return program.commands.map((c) => c.name()).filter((n) => n !== "help");
}

async function checkGolden(file: string, actual: string): Promise<void> {
  const url = new URL(file, GOLDEN);
  if (UPDATE) {
    await Deno.writeTextFile(url, actual);
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(url);
  } catch {
    assert.fail(`golden file tests/cli/golden/${file} is missing; create it with UPDATE_GOLDEN=1`);
  }
  assert.equal(
    actual,
    expected,
    `help output differs from tests/cli/golden/${file}; if the change is intended, run ` +
      "UPDATE_GOLDEN=1 deno test --allow-all tests/cli/help_golden_test.ts",
  );
}

Deno.test("astrid --help matches its golden file", async () => {
  await checkGolden("astrid.txt", await helpOf([]));
});

Deno.test("astrid <command> --help matches its golden file for every command", async (t) => {
  for (const name of commandNames()) {
    await t.step(name, async () => {
      await checkGolden(`astrid_${name}.txt`, await helpOf([name]));
    });
  }
});

Deno.test("every golden file belongs to a command that still exists", async () => {
  const expected = new Set(["astrid.txt", ...commandNames().map((n) => `astrid_${n}.txt`)]);
  for await (const entry of Deno.readDir(GOLDEN)) {
    if (UPDATE && !expected.has(entry.name)) await Deno.remove(new URL(entry.name, GOLDEN));
    else assert.ok(expected.has(entry.name), `stale golden file tests/cli/golden/${entry.name}`);
  }
});
