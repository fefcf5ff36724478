/**
 * How to run `astrid` again as a child process (to start the daemon): the
 * compiled binary runs itself; from source, `deno run` gets the same
 * permission flags as the `astrid` task, so the child stays inside the same
 * outer fence (never `--allow-all`), and the repository's deno.json for the
 * unstable KV API and the import map.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The permission flags of the `astrid` task (scripts/permissions.ts, which
 * src/ cannot import; tests/chat/self_command_test.ts keeps the two equal).
 */
export const SOURCE_PERMISSION_FLAGS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--deny-write=/etc,/boot,/sys,/proc,/usr,/bin,/sbin,/lib,/lib64",
  "--allow-env",
  "--allow-net",
  "--allow-run",
  "--allow-sys=hostname,osRelease,homedir,uid,gid",
  "--no-prompt",
];

/** A program and its arguments. */
export interface SelfCommand {
  readonly cmd: string;
  readonly args: readonly string[];
}

/** The command that runs `astrid <args>` the way this process runs. */
export function astridCommand(
  args: readonly string[],
  self: { readonly execPath: string; readonly mainModule: string } = {
    execPath: Deno.execPath(),
    mainModule: Deno.mainModule,
  },
): SelfCommand {
  const exe = self.execPath.split("/").at(-1) ?? "";
  const fromSource = /^deno(\.exe)?$/.test(exe) && self.mainModule.startsWith("file:") &&
    self.mainModule.endsWith("/src/main.ts");
  if (!fromSource) return { cmd: self.execPath, args: [...args] };
  const main = fileURLToPath(self.mainModule);
  const config = join(dirname(dirname(main)), "deno.json");
  return {
    cmd: self.execPath,
    args: ["run", ...SOURCE_PERMISSION_FLAGS, "--config", config, main, ...args],
  };
}
