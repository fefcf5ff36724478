/**
 * Delete a directory entry with the confinement re-checked at use.
 *
 * Invariants: the entry itself is removed, never what a symlink at the final
 * component points to (`unlink` semantics). The entry must be confined both
 * as a location (its folder, resolved) and as a target (a symlink pointing
 * outside is outside, as the interceptor classified it). The workspace root
 * itself is never removed. The folder is re-resolved and the entry
 * re-examined right before the removal.
 *
 * @module
 */

import { basename, dirname, posix } from "node:path";
import { type AccessDenied, type AccessOptions, denied, ioDenied } from "./access_result.ts";
import { isCanonical } from "./same_file.ts";
import type { WorkspaceBoundary } from "./workspace_boundary.ts";

/** Options for {@link removePath}. */
export interface RemoveOptions extends AccessOptions {
  /** Remove a folder with everything below it (symlinks inside are not followed). */
  readonly recursive?: boolean;
}

/** A completed removal. */
export interface Removed {
  readonly ok: true;
  /** Canonical location of the removed entry. */
  readonly path: string;
  readonly kind: "file" | "dir" | "symlink" | "other";
}

/** Remove the entry named by `input`. */
export async function removePath(
  ws: WorkspaceBoundary,
  input: string,
  options: RemoveOptions = {},
): Promise<Removed | AccessDenied> {
  if (options.signal?.aborted) return denied("aborted", `removing "${input}" was aborted`);
  const trimmed = input.length > 1 ? input.replace(/\/+$/, "") : input;
  const abs = posix.isAbsolute(trimmed) ? trimmed : `${ws.root}/${trimmed}`;
  const name = basename(abs);
  if (name === "" || name === "." || name === "..") {
    return denied("not_a_file", `path "${input}" does not name a folder entry to remove`);
  }
  // The target, symlinks followed: a link pointing outside counts as outside.
  const target = ws.resolve(trimmed, options);
  const root = () =>
    denied("not_a_file", `path "${input}" is the workspace root, which is never removed`);
  if (target.ok && target.path === ws.root) return root();
  if (!target.ok) return target;
  const folder = ws.resolve(dirname(abs), options);
  if (!folder.ok) return folder;
  const entry = folder.path === "/" ? `/${name}` : `${folder.path}/${name}`;
  if (entry === ws.root) return root();
  await ws.beforeUse?.(entry);
  if (!isCanonical(ws.root, folder.path, ws.probe)) {
    return denied("changed", `folder "${folder.path}" changed after it was checked; refused`);
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(entry);
  } catch (e) {
    return ioDenied(entry, "inspect", e);
  }
  const kind = info.isSymlink
    ? "symlink"
    : info.isDirectory
    ? "dir"
    : info.isFile
    ? "file"
    : "other";
  if (options.signal?.aborted) return denied("aborted", `removing "${input}" was aborted`);
  try {
    await Deno.remove(entry, { recursive: kind === "dir" && options.recursive === true });
  } catch (e) {
    if (kind === "dir" && options.recursive !== true && /not empty/i.test(String(e))) {
      return denied("io", `cannot remove folder "${entry}": it is not empty (recursive not set)`);
    }
    return ioDenied(entry, "remove", e);
  }
  return { ok: true, path: entry, kind };
}
