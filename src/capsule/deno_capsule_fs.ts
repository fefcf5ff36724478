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

  // Synchronous on purpose: the worker runs one call at a time and the guest
  // waits for this host call anyway; Deno's sync file ops cost a fraction of
  // the async ones (measured with tests/bench/capsule_bench.ts).
  readFile(path: string, maxBytes: number): Promise<Uint8Array> {
    return attempt(() => {
      using file = Deno.openSync(path, { read: true });
      const info = file.statSync();
      if (!info.isFile) throw new TypeError(`"${path}" is not a regular file`);
      if (info.size > maxBytes) {
        throw new RangeError(`file is ${info.size} bytes; the limit is ${maxBytes}`);
      }
      // Room for one byte more than stat said tells a file that grew meanwhile.
      const buf = new Uint8Array(info.size + 1);
      let total = 0;
      for (;;) {
        const n = file.readSync(buf.subarray(total));
        if (n === null || n === 0) break;
        total += n;
        if (total === buf.length) {
          throw new RangeError(`file grew while it was read; the limit is ${maxBytes} bytes`);
        }
      }
      return buf.slice(0, total);
    });
  },

  writeFile(path: string, data: Uint8Array): Promise<void> {
    return attempt(() => Deno.writeFileSync(path, data));
  },

  stat(path: string): Promise<CapsuleFileInfo | null> {
    return attempt(() => {
      try {
        const info = Deno.lstatSync(path);
        return { kind: kindOf(info), size: info.size, mtimeMs: info.mtime?.getTime() ?? null };
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) return null;
        throw e;
      }
    });
  },

  readDir(path: string, maxEntries: number): Promise<CapsuleDirEntry[]> {
    return attempt(() => {
      const out: CapsuleDirEntry[] = [];
      for (const e of Deno.readDirSync(path)) {
        if (out.length >= maxEntries) {
          throw new RangeError(`folder has more than ${maxEntries} entries`);
        }
        out.push({
          name: e.name,
          kind: e.isFile ? "file" : e.isDirectory ? "dir" : e.isSymlink ? "symlink" : "other",
        });
      }
      return out.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
  },

  mkdir(path: string, recursive: boolean): Promise<void> {
    return attempt(() => Deno.mkdirSync(path, { recursive }));
  },

  remove(path: string): Promise<void> {
    return attempt(() => Deno.removeSync(path, { recursive: false }));
  },
};

function attempt<T>(f: () => T): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}
