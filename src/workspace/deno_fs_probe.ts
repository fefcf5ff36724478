/**
 * The Deno adapter of the `FsProbe` port: "where does this path really point?"
 * answered with `Deno.realPathSync`.
 *
 * Invariant: only "nothing is there" becomes `null`; every other failure
 * (permission denied, a symlink loop, a component that is not a folder)
 * throws, so canonicalization fails closed instead of guessing.
 *
 * A dangling symlink is NOT "nothing is there": writing to it would create
 * its target, wherever that is. `realPathSync` reports it as NotFound, so an
 * `lstat` tells the two apart and a dangling link throws.
 *
 * @module
 */

import type { FsProbe } from "../security/path/mod.ts";

/** Probe the real file system. */
export const denoFsProbe: FsProbe = {
  realPath(path: string): string | null {
    try {
      return Deno.realPathSync(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    let link: Deno.FileInfo;
    try {
      link = Deno.lstatSync(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
    if (link.isSymlink) {
      let target = "?";
      try {
        target = Deno.readLinkSync(path);
      } catch { /* keep "?": the error below is what matters */ }
      throw new Error(`"${path}" is a dangling symlink to "${target}"`);
    }
    // Appeared between the two calls: let the caller retry from scratch.
    throw new Error(`"${path}" changed while it was being resolved`);
  },
};
