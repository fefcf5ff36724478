/**
 * The built-in floor: rules no configuration can remove. `compilePolicy()`
 * always puts them first; config lists only ever add to them.
 *
 * Choices beyond the issue's list, each deliberate:
 * - `sudoedit` and `run0` are blocked with `sudo`: they are the same
 *   privilege escalation under another name.
 * - `.zshenv`, `.zprofile`, `.zlogin`, `.bash_login` and `.bash_logout` are
 *   shell start-up files too; writing any of them runs code in every shell.
 * - Astrid's home (`<home>/**`) is denied for reads as well as writes: it holds
 *   the private signing key, and an agent that can read it can forge tokens.
 *   `<workspace>/.astrid/**` and `/etc/astrid/**` are denied for writes (the
 *   workspace config is meant to be read; `/etc` is denied entirely anyway).
 * - `/dev`: everything is denied except reading and writing exactly
 *   `/dev/null` and reading exactly `/dev/zero` and `/dev/urandom`. `2>/dev/null`
 *   and `head -c 16 /dev/urandom` are everyday shell idioms that leak nothing
 *   and change nothing; every other device (disks, terminals, `/dev/tcp`
 *   pseudo-paths, `/dev/stdout` which resolves through `/proc`) stays denied.
 *
 * @module
 */

/** Programs no configuration can unblock (compared by base name, case-insensitively). */
export const FLOOR_BLOCKED_COMMANDS: readonly string[] = [
  "sudo",
  "su",
  "doas",
  "pkexec",
  "sudoedit",
  "run0",
];

/** Paths denied for every kind of access. */
export const FLOOR_DENIED_PATHS: readonly string[] = [
  "/etc/**",
  "/boot/**",
  "/sys/**",
  "/proc/**",
  "/dev/**",
];

/** Shell and tool start-up files: writing one runs code later, outside any check. */
export const FLOOR_WRITE_DENIED_PATHS: readonly string[] = [
  "**/.bashrc",
  "**/.zshrc",
  "**/.profile",
  "**/.bash_profile",
  "**/.bash_login",
  "**/.bash_logout",
  "**/.zshenv",
  "**/.zprofile",
  "**/.zlogin",
  "**/.gitconfig",
  "**/.git/hooks/**",
  "**/.git/config",
  "**/.mcp.json",
  "/etc/astrid/**",
];

/** The exceptions carved out of the `/dev/**` floor rule, by operation. */
export const FLOOR_DEV_EXCEPTIONS: Readonly<Record<"read" | "write", readonly string[]>> = {
  read: ["/dev/null", "/dev/zero", "/dev/urandom"],
  write: ["/dev/null"],
};
