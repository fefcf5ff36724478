/**
 * Canonical paths for security decisions: the `FsProbe` port and the
 * canonicalizer that resolves symlinks and `..` the way the kernel does.
 *
 * @module
 */

export type { FsProbe } from "./fs_probe.ts";
export { canonicalizePath, type CanonicalPath, normalizePath } from "./canonicalize_path.ts";
export { FakeFsProbe } from "./fake_fs_probe.ts";
