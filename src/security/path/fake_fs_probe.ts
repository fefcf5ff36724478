/**
 * An in-memory `FsProbe` for tests: a set of existing paths plus symlinks,
 * resolved component by component like the kernel does.
 *
 * @module
 */

import { posix } from "node:path";
import type { FsProbe } from "./fs_probe.ts";

/** A fake tree. Paths are absolute; parents of listed paths exist implicitly. */
export class FakeFsProbe implements FsProbe {
  readonly #exists = new Set<string>(["/"]);
  readonly #links = new Map<string, string>();
  readonly #denied = new Set<string>();
  /** How many times `realPath` was called (for cost assertions). */
  calls = 0;

  constructor(tree: { paths?: readonly string[]; links?: Record<string, string> } = {}) {
    for (const p of tree.paths ?? []) this.add(p);
    for (const [from, to] of Object.entries(tree.links ?? {})) this.link(from, to);
  }

  /** Create `path` and its parents. */
  add(path: string): this {
    for (let p = path; p !== "/"; p = posix.dirname(p)) this.#exists.add(p);
    return this;
  }

  /** Create a symlink at `from` pointing to `to` (absolute or relative to its folder). */
  link(from: string, to: string): this {
    this.add(posix.dirname(from));
    this.#links.set(from, to);
    return this;
  }

  /** Make resolving anything at or under `path` throw "permission denied". */
  deny(path: string): this {
    this.#denied.add(path);
    return this;
  }

  realPath(path: string): string | null {
    this.calls++;
    return this.#resolve(path, 0);
  }

  #resolve(path: string, hops: number): string | null {
    if (hops > 40) throw new Error(`symlink loop at "${path}"`);
    let cur = "/";
    for (const seg of path.split("/")) {
      if (seg === "" || seg === ".") continue;
      if (seg === "..") {
        cur = posix.dirname(cur);
        continue;
      }
      const next = cur === "/" ? `/${seg}` : `${cur}/${seg}`;
      if (this.#denied.has(next)) throw new Error(`permission denied: "${next}"`);
      const target = this.#links.get(next);
      if (target !== undefined) {
        const resolved = this.#resolve(posix.resolve(cur, target), hops + 1);
        if (resolved === null) throw new Error(`"${next}" is a dangling symlink`);
        cur = resolved;
        continue;
      }
      if (!this.#exists.has(next)) return null;
      cur = next;
    }
    return cur;
  }
}
