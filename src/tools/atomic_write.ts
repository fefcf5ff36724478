/**
 * Atomic file replacement inside a confined folder: write a temporary file
 * beside the target, then rename it over the target. A reader sees the old
 * or the new content, never half of it; a failure leaves no temporary file;
 * and a rename replaces a symlink instead of writing through it.
 *
 * @module
 */

import { posix } from "node:path";

/** Write `data` to the canonical `path` atomically. Parent folders must exist. */
export async function atomicWrite(
  path: string,
  data: Uint8Array,
  signal?: AbortSignal,
): Promise<void> {
  const dir = posix.dirname(path);
  let mode = 0o644;
  try {
    const st = await Deno.lstat(path);
    if (st.isFile && st.mode !== null) mode = st.mode & 0o777;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const tmp = posix.join(dir, `.astrid-tmp-${crypto.randomUUID()}`);
  try {
    // createNew: never reuse (or follow) something already at the temp name.
    const f = await Deno.open(tmp, { write: true, createNew: true, mode });
    try {
      let off = 0;
      while (off < data.length) {
        signal?.throwIfAborted();
        off += await f.write(data.subarray(off));
      }
      await f.sync();
    } finally {
      f.close();
    }
    // The folder must still be the one we resolved (not swapped for a link).
    if ((await Deno.realPath(dir)) !== dir) {
      throw new Error(`folder "${dir}" changed during the write`);
    }
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
