/**
 * The Deno adapter of {@link CapsuleFs}, used inside the capsule worker.
 *
 * `realPath` keeps the contract of `src/workspace/deno_fs_probe.ts` (only
 * "nothing is there" is `null`; a dangling symlink or any other failure
 * throws, so canonicalization fails closed). It is restated here because the
 * layering keeps capsule from importing workspace, and the worker must build
 * its probe itself; `deno_capsule_fs_test.ts` holds the two to the same
 * answers.
 *
 * @module
 */

import type { CapsuleDirEntry, CapsuleFileInfo, CapsuleFs } from "./capsule_fs.ts";

function kindOf(info: Deno.FileInfo): CapsuleFileInfo["kind"] {
  return info.isFile ? "file" : info.isDirectory ? "dir" : info.isSymlink ? "symlink" : "other";
}

/** {@link CapsuleFs} over `Deno.*`. */
export const denoCapsuleFs: CapsuleFs = {
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
    if (link.isSymlink) throw new Error(`"${path}" is a dangling symlink`);
    throw new Error(`"${path}" changed while it was being resolved`);
  },

  async readFile(path: string, maxBytes: number): Promise<Uint8Array> {
    using file = await Deno.open(path, { read: true });
    const info = await file.stat();
    if (!info.isFile) throw new TypeError(`"${path}" is not a regular file`);
    if (info.size > maxBytes) {
      throw new RangeError(`file is ${info.size} bytes; the limit is ${maxBytes}`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      const n = await file.read(buf);
      if (n === null) break;
      total += n;
      // The file may have grown since stat.
      if (total > maxBytes) throw new RangeError(`file is over the limit of ${maxBytes} bytes`);
      chunks.push(buf.slice(0, n));
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  },

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    await Deno.writeFile(path, data);
  },

  async stat(path: string): Promise<CapsuleFileInfo | null> {
    try {
      const info = await Deno.lstat(path);
      return { kind: kindOf(info), size: info.size, mtimeMs: info.mtime?.getTime() ?? null };
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
  },

  async readDir(path: string, maxEntries: number): Promise<CapsuleDirEntry[]> {
    const out: CapsuleDirEntry[] = [];
    for await (const e of Deno.readDir(path)) {
      if (out.length >= maxEntries) {
        throw new RangeError(`folder has more than ${maxEntries} entries`);
      }
      out.push({
        name: e.name,
        kind: e.isFile ? "file" : e.isDirectory ? "dir" : e.isSymlink ? "symlink" : "other",
      });
    }
    return out.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  },

  async mkdir(path: string, recursive: boolean): Promise<void> {
    await Deno.mkdir(path, { recursive });
  },

  async remove(path: string): Promise<void> {
    await Deno.remove(path, { recursive: false });
  },
};
