/**
 * Canonical paths for policy and confinement decisions.
 *
 * Invariant: a decision is made on the path the operating system would
 * actually touch. So the input is made absolute against `cwd`, `.` and `..`
 * are resolved, and symlinks are resolved for the longest existing prefix
 * (the nearest existing ancestor); the not-yet-existing rest is appended
 * lexically. Anything that cannot be resolved safely (a NUL byte, a probe
 * error such as a symlink loop or permission denied, a `..` climbing back
 * through a not-yet-existing part) is a failure, which callers treat as deny.
 *
 * @module
 */

import { posix } from "node:path";
import type { FsProbe } from "./fs_probe.ts";

/** Result of {@link canonicalizePath}. */
export type CanonicalPath = { ok: true; path: string } | { ok: false; reason: string };

/** Make `input` absolute and lexically normal (no symlink resolution). */
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
  const abs = posix.resolve(cwd, input);
  // Walk up to the nearest existing ancestor, remembering the missing tail.
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
      return { ok: true, path: tail.length ? posix.join(real, ...tail.reverse()) : real };
    }
    if (cur === "/") return { ok: false, reason: `no existing ancestor for "${abs}"` };
    tail.push(posix.basename(cur));
    cur = posix.dirname(cur);
  }
}
