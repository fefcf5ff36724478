/**
 * Canonical paths for policy and confinement decisions.
 *
 * Invariant: a decision is made on the path the operating system would
 * actually touch. So the input is made absolute against `cwd`, `.` is
 * dropped, and symlinks are resolved for the longest existing prefix (the
 * nearest existing ancestor); the not-yet-existing rest is appended
 * lexically. Anything that cannot be resolved safely (a NUL byte, a probe
 * error such as a symlink loop or permission denied, a `..` climbing back
 * through a not-yet-existing part) is a failure, which callers treat as deny.
 *
 * `..` is resolved the way the kernel does it: against the real path of what
 * precedes it, never lexically. `ws/link/../x`, where `ws/link` points to
 * `/etc/ssl`, is `/etc/x` to the kernel; a lexical `resolve()` would say
 * `ws/x` and let the path escape the workspace unseen.
 *
 * @module
 */

import { posix } from "node:path";
import type { FsProbe } from "./fs_probe.ts";

/** Result of {@link canonicalizePath}. */
export type CanonicalPath = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Make `input` absolute and lexically normal (no symlink resolution). Not for
 * security decisions: `..` after a symlink means something else to the kernel.
 */
export function normalizePath(input: string, cwd: string): string {
  return posix.resolve(cwd, input);
}

/** Resolve `input` against `cwd` and the real file system behind `probe`. */
export function canonicalizePath(input: string, cwd: string, probe: FsProbe): CanonicalPath {
  if (input.length === 0) return { ok: false, reason: "empty path" };
  if (input.includes("\0")) return { ok: false, reason: `path "${input}" contains a NUL byte` };
  if (!posix.isAbsolute(cwd)) {
    return { ok: false, reason: `working directory "${cwd}" is not absolute` };
  }
  if (cwd.includes("\0")) {
    return { ok: false, reason: `working directory "${cwd}" contains a NUL byte` };
  }
  const abs = posix.isAbsolute(input) ? input : `${cwd}/${input}`;
  // `base` is a real path (or "/"); `pending` are names not yet resolved.
  let base = "/";
  let pending: string[] = [];
  for (const segment of abs.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") {
      pending.push(segment);
      continue;
    }
    // The kernel applies ".." to the real directory reached so far.
    const sofar = resolveExisting(joinAll(base, pending), probe);
    if (!sofar.ok) return sofar;
    if (sofar.missing > 0) {
      return {
        ok: false,
        reason: `path "${input}" climbs with ".." out of "${sofar.path}", which does not exist`,
      };
    }
    base = posix.dirname(sofar.path);
    pending = [];
  }
  const final = resolveExisting(joinAll(base, pending), probe);
  return final.ok ? { ok: true, path: final.path } : final;
}

function joinAll(base: string, names: readonly string[]): string {
  if (names.length === 0) return base;
  return base === "/" ? `/${names.join("/")}` : `${base}/${names.join("/")}`;
}

/**
 * Resolve an absolute path without `.`/`..` segments: the real path of its
 * nearest existing ancestor plus the missing names (`missing` of them).
 */
function resolveExisting(
  abs: string,
  probe: FsProbe,
): { ok: true; path: string; missing: number } | { ok: false; reason: string } {
  const tail: string[] = [];
  let cur = abs;
  for (;;) {
    let real: string | null;
    try {
      real = probe.realPath(cur);
    } catch (e) {
      return { ok: false, reason: `cannot resolve "${cur}": ${(e as Error).message}` };
    }
    if (real !== null) {
      tail.reverse();
      return { ok: true, path: joinAll(real, tail), missing: tail.length };
    }
    if (cur === "/") return { ok: false, reason: `no existing ancestor for "${abs}"` };
    tail.push(posix.basename(cur));
    cur = posix.dirname(cur);
  }
}
