/**
 * Placeholder subcommands for capabilities that have not landed yet. They are
 * listed in `--help` so the command table is complete, and they refuse to run
 * with exit code 1 instead of pretending to work.
 *
 * @module
 */

import type { Command } from "commander";
import type { CliContext } from "./context.ts";

/** Add `name` with `subcommands` that all fail with a clear "not yet" message. */
export function registerNotYet(
  program: Command,
  ctx: CliContext,
  name: string,
  description: string,
  subcommands: readonly string[],
  arrivesWith: string,
): void {
  const cmd = program.command(name).description(`${description} (not yet available)`);
  const fail = (sub: string) => () => {
    ctx.io.stderr(
      `astrid ${name}${
        sub ? ` ${sub}` : ""
      }: not available in this build yet; it arrives with ${arrivesWith}.\n`,
    );
    ctx.setExitCode(1);
  };
  if (subcommands.length === 0) {
    cmd.allowUnknownOption().allowExcessArguments().action(fail(""));
    return;
  }
  for (const sub of subcommands) {
    cmd.command(sub).allowUnknownOption().allowExcessArguments().description(
      `${sub} (not yet available)`,
    ).action(fail(sub));
  }
}
