/**
 * Open a file for reading with the confinement re-checked at use.
 *
 * Invariant: the file handed back is the file the canonical, confined path
 * names. The path is resolved and confined, opened, and then the open file's
 * device and inode are compared with what the canonical path names now
 * (`stillNames`), so a folder swapped for a symlink between the check and
 * the open is caught and the handle closed unread.
 *
 * @module
 */

import { type AccessDenied, type AccessOptions, denied, ioDenied } from "./access_result.ts";
import { stillNames } from "./same_file.ts";
import type { WorkspaceBoundary } from "./workspace_boundary.ts";

/** An open, verified file. The caller closes `file`. */
export interface OpenedFile {
  readonly ok: true;
  /** Canonical path of the file. */
  readonly path: string;
  readonly file: Deno.FsFile;
  /** `fstat` of the open handle. */
  readonly info: Deno.FileInfo;
  /** Whether `path` is inside the workspace. */
  readonly inside: boolean;
}

/** Resolve, confine, open and verify `input` for reading. */
export async function openForRead(
  ws: WorkspaceBoundary,
  input: string,
  options: AccessOptions = {},
): Promise<OpenedFile | AccessDenied> {
  if (options.signal?.aborted) return denied("aborted", `reading "${input}" was aborted`);
  const r = ws.resolve(input, options);
  if (!r.ok) return r;
  // A FIFO or device would block or misbehave on open: refuse before opening.
  try {
    const before = await Deno.stat(r.path);
    if (before.isDirectory) return denied("not_a_file", `"${r.path}" is a folder, not a file`);
    if (!before.isFile) return denied("not_a_file", `"${r.path}" is not a regular file`);
  } catch (e) {
    return ioDenied(r.path, "inspect", e);
  }
  await ws.beforeUse?.(r.path);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(r.path, { read: true });
  } catch (e) {
    return ioDenied(r.path, "open", e);
  }
  let keep = false;
  try {
    const info = await file.stat();
    if (info.isDirectory) return denied("not_a_file", `"${r.path}" is a folder, not a file`);
    if (!info.isFile) return denied("not_a_file", `"${r.path}" is not a regular file`);
    if (!stillNames(ws.root, r.path, info, ws.probe)) {
      return denied(
        "changed",
        `path "${input}" changed between the check and the open (it no longer names the ` +
          `file that was opened); refused`,
      );
    }
    keep = true;
    return { ok: true, path: r.path, file, info, inside: r.inside };
  } catch (e) {
    return ioDenied(r.path, "inspect", e);
  } finally {
    if (!keep) file.close();
  }
}
