/**
 * The `astrid` entry point: builds the real context and hands over to the CLI.
 *
 * @module
 */

import { runCli } from "./frontends/cli/mod.ts";
import { denoIo } from "./frontends/cli/deno_io.ts";

/** Run `astrid` with `args` and exit with its code. */
export async function main(args: string[]): Promise<never> {
  const code = await runCli(args, {
    io: denoIo(),
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
  });
  Deno.exit(code);
}

if (import.meta.main) await main(Deno.args);
