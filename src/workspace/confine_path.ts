/**
 * The confinement decision: does a path, resolved the way the kernel would
 * resolve it, stay inside the workspace root?
 *
 * Invariant: the answer is computed on the canonical path (the real path of
 * the nearest existing ancestor plus the not-yet-existing rest, `..` applied
 * to real folders), never on the text the caller wrote. So a `..` climb, an
 * absolute path elsewhere, a symlink inside that points out, a new file under
 * a symlinked folder and a prefix sibling (`/srv/app-other` next to
 * `/srv/app`) are all outside. A path that cannot be resolved (a dangling
 * symlink, a loop, permission denied, a NUL byte) is outside too.
 *
 * Pure apart from the `FsProbe` port.
 *
 * @module
 */

import { canonicalizePath, type FsProbe } from "../security/path/mod.ts";

/** Why a path was refused. */
export type ConfinementCode = "outside" | "unresolvable";

/** Result of {@link confinePath}. */
export type ConfinedPath =
  | { ok: true; path: string; inside: boolean }
  | { ok: false; code: ConfinementCode; reason: string };

/** Options for {@link confinePath}. */
export interface ConfineOptions {
  /**
   * Accept a resolvable path outside `root` (reported with `inside: false`).
   * Only the interceptor sets this, after a human approved the escape.
   */
  readonly allowOutside?: boolean;
}

/**
 * Resolve `input` (relative paths against `root`) and check it against
 * `root`, which must already be a canonical real path.
 */
export function confinePath(
  root: string,
  input: string,
  probe: FsProbe,
  options: ConfineOptions = {},
): ConfinedPath {
  const c = canonicalizePath(input, root, probe);
  if (!c.ok) {
    return {
      ok: false,
      code: "unresolvable",
      reason: `path "${input}" cannot be resolved safely (${c.reason}); treated as outside`,
    };
  }
  const inside = isWithin(root, c.path);
  if (!inside && options.allowOutside !== true) {
    return {
      ok: false,
      code: "outside",
      reason: `path "${input}" resolves to "${c.path}", outside the workspace "${root}"`,
    };
  }
  return { ok: true, path: c.path, inside };
}

/**
 * True when canonical `path` is `root` or below it. A component boundary is
 * required, so `/srv/app-other` is not within `/srv/app`.
 */
export function isWithin(root: string, path: string): boolean {
  if (root === "/") return path.startsWith("/");
  return path === root || (path.startsWith(root) && path.charCodeAt(root.length) === 47);
}
