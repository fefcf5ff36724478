/**
 * The workspace boundary: the canonical root the agent works in, the
 * confinement decision for any path, and file operations that re-check
 * confinement at use.
 *
 * What holds: a path is judged on its canonical form (symlinks and `..`
 * resolved like the kernel does, for the nearest existing ancestor), so
 * climbs, absolute paths elsewhere, symlinks pointing out, new files under
 * symlinked folders and prefix siblings are outside; anything unresolvable is
 * outside. Reads verify the opened file's device and inode against the
 * canonical path after opening; writes go to a verified temporary file in the
 * same folder and are renamed into place (a final-component symlink is
 * replaced, never followed); deletes remove the entry, never a link's target.
 *
 * Residual risk, stated plainly: Deno has no `openat`/`unlinkat`/`renameat`
 * (and `/proc/self/fd` needs `--allow-all`), so these re-checks narrow the
 * window between check and use rather than closing it. A process that can rename folders
 * inside the workspace and times its swaps between our system calls could
 * still win: for a read it must swap a folder out, back and out again across
 * three calls; for a delete, swap the folder between the last check and the
 * `unlink`; for a write, after the temporary file is verified. Closing it
 * fully needs `openat2(RESOLVE_BENEATH)`.
 *
 * @module
 */

export { type AccessCode, type AccessDenied, type AccessOptions, denied } from "./access_result.ts";
export {
  type ConfinedPath,
  type ConfinementCode,
  type ConfineOptions,
  confinePath,
  isWithin,
} from "./confine_path.ts";
export { type Confined, confineForUse } from "./confine_for_use.ts";
export { denoFsProbe } from "./deno_fs_probe.ts";
export { type OpenedFile, openForRead } from "./open_for_read.ts";
export { type Removed, type RemoveOptions, removePath } from "./remove_path.ts";
export { writeAtomic, type Written } from "./write_atomic.ts";
export {
  type ResolvedPath,
  WorkspaceBoundary,
  type WorkspaceOptions,
} from "./workspace_boundary.ts";
