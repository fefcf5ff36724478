/**
 * Replace a file atomically with the confinement re-checked at use.
 *
 * Invariants:
 * - Readers see the old content or the new, never a mix: the data goes to a
 *   temporary file in the same folder, which is then renamed over the target.
 * - A symlink at the final component is never written through: `rename`
 *   replaces a directory entry instead of following it, and a target that
 *   became a symlink after the check is refused.
 * - The temporary file is verified to sit in the canonical folder (device and
 *   inode versus what the path names), so a folder swapped for a symlink
 *   after the check is caught before any data is written; the same check
 *   after the rename reports a swap that won the remaining window.
 * - On any failure the temporary file and the folders this call created are
 *   removed.
 *
 * @module
 */

import { basename, dirname } from "node:path";
import { type AccessDenied, type AccessOptions, denied, ioDenied } from "./access_result.ts";
import { isCanonical, stillNames } from "./same_file.ts";
import type { WorkspaceBoundary } from "./workspace_boundary.ts";

/** A completed write. */
export interface Written {
  readonly ok: true;
  /** Canonical path written. */
  readonly path: string;
  readonly bytes: number;
  /** True when the file did not exist before. */
  readonly created: boolean;
  readonly inside: boolean;
}

const CHUNK = 1 << 20;

/** Write `data` to `input` atomically, creating missing parent folders. */
export async function writeAtomic(
  ws: WorkspaceBoundary,
  input: string,
  data: Uint8Array,
  options: AccessOptions = {},
): Promise<Written | AccessDenied> {
  if (options.signal?.aborted) return denied("aborted", `writing "${input}" was aborted`);
  const r = ws.resolve(input, options);
  if (!r.ok) return r;
  if (r.path === ws.root || r.path === "/") {
    return denied("not_a_file", `"${r.path}" is a folder, not a file`);
  }
  const parent = dirname(r.path);
  const name = basename(r.path);
  await ws.beforeUse?.(r.path);
  const made: string[] = [];
  let done = false;
  try {
    const parents = await makeParents(ws, parent, made);
    if (parents) return parents;
    let existing: Deno.FileInfo | null;
    try {
      existing = await Deno.lstat(r.path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) return ioDenied(r.path, "inspect", e);
      existing = null;
    }
    const target = checkTarget(r.path, existing);
    if (target) return target;
    const result = await viaTemp(ws, r.path, parent, name, data, existing, options.signal);
    if (result.ok) {
      done = true;
      return { ...result, inside: r.inside };
    }
    return result;
  } finally {
    // Folders this call made come back out (deepest first) unless it succeeded.
    if (!done) {
      for (const dir of made.reverse()) await Deno.remove(dir).catch(() => {});
    }
  }
}

function checkTarget(path: string, existing: Deno.FileInfo | null): AccessDenied | undefined {
  if (existing === null) return undefined;
  if (existing.isSymlink) {
    return denied(
      "symlink",
      `"${path}" became a symlink after it was checked; a symlink is never written through`,
    );
  }
  if (existing.isDirectory) return denied("not_a_file", `"${path}" is a folder, not a file`);
  if (!existing.isFile) return denied("not_a_file", `"${path}" is not a regular file`);
  return undefined;
}

async function viaTemp(
  ws: WorkspaceBoundary,
  path: string,
  parent: string,
  name: string,
  data: Uint8Array,
  existing: Deno.FileInfo | null,
  signal: AbortSignal | undefined,
): Promise<Omit<Written, "inside"> | AccessDenied> {
  const temp = `${parent}/.${name}.astrid-${crypto.randomUUID().slice(0, 8)}.tmp`;
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(temp, { write: true, createNew: true, mode: 0o666 });
  } catch (e) {
    return ioDenied(path, "create a temporary file next to", e);
  }
  let renamed = false;
  try {
    const info = await file.stat();
    // The temporary file must be where the canonical path says: no folder
    // on the way was swapped for a symlink since the check.
    if (!stillNames(ws.root, temp, info, ws.probe)) {
      return denied(
        "changed",
        `a folder on the way to "${path}" changed after it was checked; nothing was written`,
      );
    }
    for (let off = 0; off < data.length;) {
      if (signal?.aborted) return denied("aborted", `writing "${path}" was aborted`);
      off += await file.write(data.subarray(off, Math.min(off + CHUNK, data.length)));
    }
    if (existing?.mode != null) await Deno.chmod(temp, existing.mode & 0o7777);
    await file.syncData();
    file.close();
    file = undefined;
    if (signal?.aborted) return denied("aborted", `writing "${path}" was aborted`);
    let now: Deno.FileInfo | null = null;
    try {
      now = await Deno.lstat(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) return ioDenied(path, "inspect", e);
    }
    const target = checkTarget(path, now);
    if (target) return target;
    await Deno.rename(temp, path);
    renamed = true;
    if (!stillNames(ws.root, path, info, ws.probe)) {
      return denied(
        "changed",
        `a folder on the way to "${path}" changed during the write; the data may have ` +
          `landed elsewhere`,
      );
    }
    return { ok: true, path, bytes: data.length, created: existing === null };
  } catch (e) {
    return ioDenied(path, "write", e);
  } finally {
    file?.close();
    if (!renamed) await Deno.remove(temp).catch(() => {});
  }
}

/** Create the missing folders of canonical `dir`, top down, each verified. */
async function makeParents(
  ws: WorkspaceBoundary,
  dir: string,
  made: string[],
): Promise<AccessDenied | undefined> {
  const missing: string[] = [];
  for (let d = dir;; d = dirname(d)) {
    try {
      const info = await Deno.lstat(d);
      // A canonical path has no symlink in it: one now means a swap.
      if (info.isSymlink) {
        return denied("changed", `folder "${d}" became a symlink after it was checked; refused`);
      }
      if (!info.isDirectory) {
        return denied("not_a_directory", `"${d}" is not a folder, so "${dir}" cannot be made`);
      }
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) return ioDenied(d, "inspect", e);
    }
    if (d === "/" || d === ws.root) break;
    missing.push(d);
  }
  for (const d of missing.reverse()) {
    try {
      await Deno.mkdir(d);
      made.push(d);
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) return ioDenied(d, "create folder", e);
    }
    if (!isCanonical(ws.root, d, ws.probe)) {
      return denied(
        "changed",
        `folder "${d}" changed while it was being created (a symlink appeared); refused`,
      );
    }
  }
  return undefined;
}
