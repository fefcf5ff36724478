/**
 * The Deno adapter of {@link CapsuleFs}, used inside the capsule worker.
 *
 * `realPath` is the workspace's `denoFsProbe` (only "nothing is there" is
 * `null`; a dangling symlink or any other failure throws, so canonicalization
 * fails closed): one implementation of path resolution, not two.
 *
 * @module
 */

import type { CapsuleDirEntry, CapsuleFileInfo, CapsuleFs } from "./capsule_fs.ts";
import { denoFsProbe } from "../workspace/deno_fs_probe.ts";

function kindOf(info: Deno.FileInfo): CapsuleFileInfo["kind"] {
  return info.isFile ? "file" : info.isDirectory ? "dir" : info.isSymlink ? "symlink" : "other";
}

/** {@link CapsuleFs} over `Deno.*`. */
export const denoCapsuleFs: CapsuleFs = {
  realPath: (path: string) => denoFsProbe.realPath(path),

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
