/**
 * Find the program a server's `command` names, the way a shell would but
 * without a shell: a name with a `/` is a path relative to the server's
 * folder; a bare name is looked up in the given `PATH` (the parent's), so a
 * server can be started even though the child itself only gets a minimal
 * `PATH`.
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";

/** The absolute path of `command`, or `null` when no executable file matches. */
export function resolveCommand(command: string, cwd: string, searchPath: string): string | null {
  if (command === "" || command.includes("\0")) return null;
  if (command.includes("/")) {
    const path = resolve(cwd, command);
    return isExecutableFile(path) ? path : null;
  }
  for (const dir of searchPath.split(":")) {
    // Relative PATH entries would depend on the parent's working directory.
    if (dir === "" || !isAbsolute(dir)) continue;
    const path = join(dir, command);
    if (isExecutableFile(path)) return path;
  }
  return null;
}

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o755) & 0o111) !== 0;
  } catch {
    return false;
  }
}
