/**
 * The Deno permissions of a capsule worker: the outer fence. Even a bug in a
 * host function cannot reach past them. Derived from the approved grants:
 *
 * - read: the workspace root when any file capability is granted (path
 *   canonicalization must resolve a missing file's existing ancestors, up
 *   to the root), otherwise nothing;
 * - write: only the literal folders (or files) of the `fs_write` globs,
 *   inside the root;
 * - net: exactly the granted `host:port` pairs (a bare host gives 80 and 443);
 * - env: only the two variables `@extism/extism` reads when it is imported;
 * - run, ffi, sys, import: nothing.
 *
 * @module
 */

import { parseNetGrant } from "./net_grant.ts";
import type { WasmGrants } from "./plan_capsule.ts";

/** Environment variables `@extism/extism` 2.0.0-rc13 reads at import time. */
export const EXTISM_ENV_VARS: readonly string[] = [
  "EXTISM_ENABLE_WASI_OUTPUT",
  "__MINIMATCH_TESTING_PLATFORM__",
];

/** The permissions object of `new Worker(url, { deno: { permissions } })`. */
export interface CapsuleWorkerPermissions {
  readonly read: string[] | false;
  readonly write: string[] | false;
  readonly net: string[] | false;
  readonly env: string[];
  readonly run: false;
  readonly ffi: false;
  readonly sys: false;
  readonly import: false;
}

/** Permissions for a capsule with `grants` in the canonical workspace `root`. */
export function capsuleWorkerPermissions(
  grants: WasmGrants,
  root: string,
): CapsuleWorkerPermissions {
  const anyFs = grants.fsRead.length > 0 || grants.fsWrite.length > 0;
  const write = [...new Set(grants.fsWrite.flatMap((g) => literalRoot(g, root)))];
  const net = grants.net.flatMap((g) => {
    const p = parseNetGrant(g);
    if (!p.ok) return [];
    const { host, port } = p.grant;
    return port === null ? [`${host}:80`, `${host}:443`] : [`${host}:${port}`];
  });
  return {
    read: anyFs ? [root] : false,
    write: write.length > 0 ? write : false,
    net: net.length > 0 ? net : false,
    env: [...EXTISM_ENV_VARS],
    run: false,
    ffi: false,
    sys: false,
    import: false,
  };
}

/** The literal leading path of `glob`, clipped to `root` ([] when it lies outside). */
export function literalRoot(glob: string, root: string): string[] {
  const segments: string[] = [];
  for (const s of glob.split("/")) {
    if (/[*?[\]{}]/.test(s)) break;
    if (s !== "" && s !== ".") segments.push(s);
  }
  const path = glob.startsWith("/") ? `/${segments.join("/")}` : joinRoot(root, segments);
  if (path === root || path.startsWith(`${root}/`)) return [path];
  // A literal prefix above the root (such as "/" of "/**") reaches the root at most.
  return root.startsWith(path === "/" ? "/" : `${path}/`) ? [root] : [];
}

function joinRoot(root: string, segments: string[]): string {
  return segments.length === 0 ? root : `${root}/${segments.join("/")}`;
}
