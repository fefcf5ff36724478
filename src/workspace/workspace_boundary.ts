/**
 * The workspace boundary: the agent works inside one folder, and every path
 * a tool touches is confined to it at the moment of use.
 *
 * Confinement resolves the whole parent chain (`canonicalizePath`: the real
 * path of the nearest existing ancestor plus the rest), so `..` climbs,
 * absolute paths, a symlink inside pointing out, a new file under a symlinked
 * folder and prefix siblings (`/srv/app` vs `/srv/app-other`) are all outside.
 * Tools re-check right before they touch the file system (`confineForUse`),
 * so a path swapped for a symlink between the security decision and the use
 * is caught, and writes and deletes never follow a symlink at the final
 * component. Anything that cannot be resolved safely counts as outside.
 *
 * @module
 */

import { posix } from "node:path";
import { canonicalizePath, type FsProbe, isInside } from "../security/mod.ts";
import { denoFsProbe } from "./deno_fs_probe.ts";

/** Result of a confinement check. */
export type Confined = { ok: true; path: string } | { ok: false; reason: string };

/** One workspace root, canonical. */
export class WorkspaceBoundary {
  /** Canonical real path of the root. */
  readonly root: string;
  readonly #probe: FsProbe;

  private constructor(root: string, probe: FsProbe) {
    this.root = root;
    this.#probe = probe;
  }

  /** The boundary for `dir` (must exist; resolved to its real path). */
  static open(dir: string, probe: FsProbe = denoFsProbe): WorkspaceBoundary {
    const real = probe.realPath(posix.resolve(dir));
    if (real === null) throw new Deno.errors.NotFound(`workspace "${dir}" does not exist`);
    return new WorkspaceBoundary(real, probe);
  }

  /** Resolve `path` (relative to the root) and require it inside the workspace. */
  resolveInside(path: string): Confined {
    const c = canonicalizePath(path, this.root, this.#probe);
    if (!c.ok) return { ok: false, reason: `cannot resolve "${path}" safely: ${c.reason}` };
    if (!isInside(this.root, c.path)) {
      return {
        ok: false,
        reason: `"${path}" resolves to "${c.path}", outside the workspace ${this.root}`,
      };
    }
    return c;
  }

  /** Resolve `path` anywhere (for an approved escape); still canonical. */
  resolveAnywhere(path: string): Confined {
    const c = canonicalizePath(path, this.root, this.#probe);
    return c.ok ? c : { ok: false, reason: `cannot resolve "${path}" safely: ${c.reason}` };
  }

  /** True when the canonical `path` is the root or below it. */
  contains(path: string): boolean {
    return isInside(this.root, path);
  }
}

/**
 * The check a tool makes right before it touches `path`: resolve it again
 * (inside the workspace unless `allowOutside`), and for writes and deletes
 * refuse when the final component is a symlink, so the operation can never be
 * redirected through a link planted after the decision.
 */
export function confineForUse(
  ws: WorkspaceBoundary,
  path: string,
  op: "read" | "write" | "delete" | "list",
  allowOutside = false,
): Confined {
  const c = allowOutside ? ws.resolveAnywhere(path) : ws.resolveInside(path);
  if (!c.ok) return c;
  if (op === "write" || op === "delete") {
    const lexical = posix.resolve(ws.root, path);
    try {
      if (Deno.lstatSync(lexical).isSymlink) {
        return { ok: false, reason: `"${path}" is a symlink; Astrid does not ${op} through links` };
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        return { ok: false, reason: `cannot inspect "${path}": ${(e as Error).message}` };
      }
    }
  }
  return c;
}
