/**
 * Identity of an open file versus what a path names now: the check-after-open
 * half of "re-check at use".
 *
 * @module
 */

import { confinePath } from "./confine_path.ts";
import type { FsProbe } from "../security/path/mod.ts";

/**
 * True when `path` is still canonical (no symlink or `..` trick appeared in
 * its chain) and its final component, not followed, is the file `opened`
 * (same device and inode). Checked before and after the `lstat` so a folder
 * swapped out and back in between has to win two races, not one; the
 * remaining window is documented in mod.ts.
 */
export function stillNames(
  root: string,
  path: string,
  opened: Deno.FileInfo,
  probe: FsProbe,
): boolean {
  if (!isCanonical(root, path, probe)) return false;
  let link: Deno.FileInfo;
  try {
    link = Deno.lstatSync(path);
  } catch {
    return false;
  }
  if (link.isSymlink) return false;
  if (opened.ino !== null && opened.dev !== null) {
    if (link.ino !== opened.ino || link.dev !== opened.dev) return false;
  }
  return isCanonical(root, path, probe);
}

/** True when resolving `path` again gives `path` itself. */
export function isCanonical(root: string, path: string, probe: FsProbe): boolean {
  const again = confinePath(root, path, probe, { allowOutside: true });
  return again.ok && again.path === path;
}
