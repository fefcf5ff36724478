/**
 * The one file-system question path canonicalization needs, as a port, so the
 * security core stays free of `Deno.*` and tests can fake a tree.
 *
 * @module
 */

/** Answers "where does this path really point?" */
export interface FsProbe {
  /**
   * The canonical real path of `path` (symlinks resolved), or `null` when
   * nothing exists there. Throws for anything else (permission denied, a
   * symlink loop, a path component that is not a folder) so the caller can
   * fail closed.
   */
  realPath(path: string): string | null;
}
