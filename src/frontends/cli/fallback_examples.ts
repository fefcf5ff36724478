/**
 * Examples for `astrid <command> --help` when the command module did not add
 * its own: every top-level command's help ends with an "Examples:" section.
 * A command that adds its own (`addHelpText("after", ...)`) keeps them.
 *
 * @module
 */

import type { Command } from "commander";

/** Extra example lines for commands whose bare form says too little. */
const EXTRA: Readonly<Record<string, readonly string[]>> = {
  chat: ["astrid chat --workspace ~/project"],
};

/** Add an "Examples:" section to every top-level command of `program` that has none. */
export function addFallbackExamples(program: Command): void {
  for (const cmd of program.commands) {
    if (helpTextListeners(cmd) > 0) continue;
    const subs = cmd.commands.map((c) => c.name()).filter((n) => n !== "help");
    const lines = subs.length === 0
      ? [`astrid ${cmd.name()}`]
      : subs.map((sub) => `astrid ${cmd.name()} ${sub}`);
    lines.push(...(EXTRA[cmd.name()] ?? []));
    cmd.addHelpText("after", `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`);
  }
}

/** Commander keeps `addHelpText("after")` as an "afterHelp" event listener (Command is an EventEmitter). */
function helpTextListeners(cmd: Command): number {
  return (cmd as unknown as { listenerCount(event: string): number }).listenerCount("afterHelp");
}
