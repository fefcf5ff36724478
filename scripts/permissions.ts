/**
 * The outer fence: the Deno permission flags `astrid` runs with, in one place.
 * `deno task astrid` (deno.json) and `deno task compile` (scripts/compile.ts)
 * both use exactly this list; `scripts/permissions_test.ts` keeps deno.json in
 * step. The README explains each flag and where it cannot be narrow.
 *
 * @module
 */

/** System folders the runtime itself may never write, whatever the config says. */
export const DENY_WRITE: readonly string[] = [
  "/etc",
  "/boot",
  "/sys",
  "/proc",
  "/usr",
  "/bin",
  "/sbin",
  "/lib",
  "/lib64",
];

/** Operating-system facts the runtime may ask for (`Deno.hostname()`, `os.homedir()`, ...). */
export const ALLOW_SYS: readonly string[] = ["hostname", "osRelease", "homedir", "uid", "gid"];

/** The permission flags, in the order they appear on the command line. */
export const PERMISSION_FLAGS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  `--deny-write=${DENY_WRITE.join(",")}`,
  "--allow-env",
  "--allow-net",
  "--allow-run",
  `--allow-sys=${ALLOW_SYS.join(",")}`,
  // A missing permission is an error, never a prompt that widens the fence.
  "--no-prompt",
];

/** The CLI entry point, relative to the repository root. */
export const ENTRY_POINT = "src/main.ts";

/** The `astrid` task as it must read in deno.json. */
export function astridTask(): string {
  return ["deno", "run", ...PERMISSION_FLAGS, ENTRY_POINT].join(" ");
}
