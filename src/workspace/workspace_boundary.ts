/**
 * The workspace boundary: the canonical root the agent works in and the
 * confined file operations on it.
 *
 * The root is the real path of the workspace folder, taken once; every path
 * is judged by {@link confinePath} and every operation re-checks at use
 * (see open_for_read.ts, write_atomic.ts, remove_path.ts).
 *
 * @module
 */

import { posix } from "node:path";
import { AstridError } from "../core/mod.ts";
import type { FsProbe } from "../security/path/mod.ts";
import { type AccessDenied, type AccessOptions, denied } from "./access_result.ts";
import { confinePath, isWithin } from "./confine_path.ts";
import { denoFsProbe } from "./deno_fs_probe.ts";
import { type OpenedFile, openForRead } from "./open_for_read.ts";
import { type Removed, type RemoveOptions, removePath } from "./remove_path.ts";
import { writeAtomic, type Written } from "./write_atomic.ts";

/** A confined, canonical path. */
export interface ResolvedPath {
  readonly ok: true;
  readonly path: string;
  /** False only when `allowOutside` let an outside path through. */
  readonly inside: boolean;
}

/** Options for {@link WorkspaceBoundary.open}. */
export interface WorkspaceOptions {
  /** How paths are resolved; the real file system by default. */
  readonly probe?: FsProbe;
  /**
   * Test seam: runs after a path was checked and right before the file system
   * operation, so a test can swap a folder for a symlink in the window.
   */
  readonly beforeUse?: (path: string) => void | Promise<void>;
}

/** The workspace root and the confined operations on it. */
export class WorkspaceBoundary {
  /** Canonical real path of the workspace folder. */
  readonly root: string;
  readonly probe: FsProbe;
  readonly beforeUse: ((path: string) => void | Promise<void>) | undefined;

  private constructor(root: string, probe: FsProbe, options: WorkspaceOptions) {
    this.root = root;
    this.probe = probe;
    this.beforeUse = options.beforeUse;
  }

  /**
   * The boundary of the folder `root` (relative paths against the current
   * directory). The second argument is the options or, for older callers, a
   * probe. Throws `AstridError` `WORKSPACE_INVALID` when it does not exist, is
   * not a folder or cannot be resolved.
   */
  static open(root: string, options: WorkspaceOptions | FsProbe = {}): WorkspaceBoundary {
    if ("realPath" in options) options = { probe: options };
    const probe = options.probe ?? denoFsProbe;
    let real: string | null;
    try {
      real = probe.realPath(posix.resolve(root));
    } catch (e) {
      throw new AstridError(
        "WORKSPACE_INVALID",
        `workspace "${root}" cannot be resolved: ${(e as Error).message}`,
        { cause: e },
      );
    }
    if (real === null) {
      throw new AstridError("WORKSPACE_INVALID", `workspace "${root}" does not exist`);
    }
    if (probe === denoFsProbe && !Deno.statSync(real).isDirectory) {
      throw new AstridError("WORKSPACE_INVALID", `workspace "${root}" is not a folder`);
    }
    return new WorkspaceBoundary(real, probe, options);
  }

  /** Resolve `path` (relative to the root) and require it inside the workspace. */
  resolveInside(path: string): ResolvedPath | AccessDenied {
    return this.resolve(path);
  }

  /** Resolve `path`; outside paths pass only with `allowOutside`. */
  resolve(path: string, options: AccessOptions = {}): ResolvedPath | AccessDenied {
    const c = confinePath(this.root, path, this.probe, options);
    return c.ok ? { ok: true, path: c.path, inside: c.inside } : denied(c.code, c.reason);
  }

  /** Resolve `path` anywhere (for an approved escape); still canonical. */
  resolveAnywhere(path: string): ResolvedPath | AccessDenied {
    return this.resolve(path, { allowOutside: true });
  }

  /** True when canonical `path` is the root or below it. */
  contains(path: string): boolean {
    return isWithin(this.root, path);
  }

  /** `path` relative to the root for display (`.` for the root); outside paths stay absolute. */
  relative(path: string): string {
    if (path === this.root) return ".";
    return isWithin(this.root, path) ? path.slice(this.root.length + 1) : path;
  }

  /** See {@link openForRead}. */
  openForRead(path: string, options?: AccessOptions): Promise<OpenedFile | AccessDenied> {
    return openForRead(this, path, options);
  }

  /** See {@link writeAtomic}. */
  writeAtomic(
    path: string,
    data: Uint8Array,
    options?: AccessOptions,
  ): Promise<Written | AccessDenied> {
    return writeAtomic(this, path, data, options);
  }

  /** See {@link removePath}. */
  remove(path: string, options?: RemoveOptions): Promise<Removed | AccessDenied> {
    return removePath(this, path, options);
  }
}
