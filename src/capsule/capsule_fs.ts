/**
 * The file system as gated host functions see it, as a port: the `FsProbe`
 * question canonicalization needs plus the handful of operations the host
 * functions perform. Paths given to it are already canonical, confined and
 * authorized.
 *
 * @module
 */

import type { FsProbe } from "../security/mod.ts";

/** What `fs-stat` reports. */
export interface CapsuleFileInfo {
  readonly kind: "file" | "dir" | "symlink" | "other";
  readonly size: number;
  /** Milliseconds since the epoch, or null when the platform does not say. */
  readonly mtimeMs: number | null;
}

/** A folder entry for `fs-readdir`. */
export interface CapsuleDirEntry {
  readonly name: string;
  readonly kind: CapsuleFileInfo["kind"];
}

/** File operations of the gated host functions. */
export interface CapsuleFs extends FsProbe {
  /** The file's bytes; throws a `RangeError` when it is larger than `maxBytes`. */
  readFile(path: string, maxBytes: number): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** `null` when nothing is there. */
  stat(path: string): Promise<CapsuleFileInfo | null>;
  /** At most `maxEntries` entries, sorted by name. */
  readDir(path: string, maxEntries: number): Promise<CapsuleDirEntry[]>;
  mkdir(path: string, recursive: boolean): Promise<void>;
  /** Remove a file or an empty folder (never recursive). */
  remove(path: string): Promise<void>;
}
