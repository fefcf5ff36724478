/**
 * Results of the workspace file operations. A refusal is a value: the tools
 * turn it into an error result for the model, never into an exception.
 *
 * @module
 */

import type { ConfinementCode } from "./confine_path.ts";

/** Why an operation was refused or failed. */
export type AccessCode =
  | ConfinementCode
  /** The path changed between the check and the use (a folder became a symlink, ...). */
  | "changed"
  /** The final component is a symlink where one is never followed. */
  | "symlink"
  | "not_found"
  | "not_a_file"
  | "not_a_directory"
  | "aborted"
  | "io";

/** A refused or failed operation. */
export interface AccessDenied {
  readonly ok: false;
  readonly code: AccessCode;
  readonly reason: string;
}

/** Options every operation takes. */
export interface AccessOptions {
  /**
   * Allow a path outside the workspace. Set only by the interceptor after a
   * human approved the escape; symlinks at the final component are still
   * never followed for writes and deletes.
   */
  readonly allowOutside?: boolean;
  readonly signal?: AbortSignal;
}

/** Build an {@link AccessDenied}. */
export function denied(code: AccessCode, reason: string): AccessDenied {
  return { ok: false, code, reason };
}

/** Map an error from a `Deno.*` call to a denial that quotes the path. */
export function ioDenied(path: string, what: string, e: unknown): AccessDenied {
  if (e instanceof Deno.errors.NotFound) return denied("not_found", `"${path}" does not exist`);
  if (e instanceof Deno.errors.NotADirectory) {
    return denied("not_a_directory", `a parent of "${path}" is not a folder`);
  }
  if (e instanceof Deno.errors.IsADirectory) {
    return denied("not_a_file", `"${path}" is a folder, not a file`);
  }
  const message = e instanceof Error ? e.message : String(e);
  return denied("io", `cannot ${what} "${path}": ${message}`);
}
