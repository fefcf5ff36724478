/**
 * The README's command table tells the truth: every top-level command is in
 * it with its subcommands, and it is marked available exactly when the CLI
 * does not register it as a "(not yet available)" placeholder.
 */

import assert from "node:assert/strict";
import { buildProgram, CapturedIo } from "../../src/frontends/cli/mod.ts";

const README = await Deno.readTextFile(new URL("../../README.md", import.meta.url));

/** Rows of the "## Commands" table: `astrid name a|b` -> {subs, available}. */
function readmeCommands(): Map<string, { subs: string[]; available: string }> {
  const section = README.split(/^## Commands$/m)[1]?.split(/^## /m)[0] ?? "";
  const rows = new Map<string, { subs: string[]; available: string }>();
  for (const line of section.split("\n")) {
    const m = line.match(/^\| `astrid ([a-z-]+)((?: [a-z\\|-]+)?)[^`]*` +\|[^|]*\| ([^|]+?) +\|$/);
    if (!m) continue;
    const subs = m[2]!.trim() === "" ? [] : m[2]!.trim().split("\\|");
    rows.set(m[1]!, { subs, available: m[3]! });
  }
  return rows;
}

Deno.test("README's command table lists every command with its subcommands and true availability", () => {
  const program = buildProgram({ io: new CapturedIo(), env: {}, cwd: "/", setExitCode: () => {} });
  const rows = readmeCommands();
  assert.ok(rows.size > 0, "no command rows found under '## Commands' in README.md");
  for (const cmd of program.commands) {
    const row = rows.get(cmd.name());
    assert.ok(row, `README.md's command table has no row for 'astrid ${cmd.name()}'`);
    const subs = cmd.commands.map((c) => c.name()).filter((n) => n !== "help");
    assert.deepEqual(row.subs, subs, `README.md lists the wrong subcommands of ${cmd.name()}`);
    const placeholder = cmd.description().includes("not yet available");
    assert.equal(
      row.available,
      placeholder ? "not yet" : "yes",
      `README.md says 'astrid ${cmd.name()}' is ${row.available === "yes" ? "" : "not "}available`,
    );
  }
  for (const name of rows.keys()) {
    assert.ok(program.commands.some((c) => c.name() === name), `README lists unknown '${name}'`);
  }
});
