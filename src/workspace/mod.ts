/**
 * The workspace boundary: confinement of every path a tool touches.
 *
 * @module
 */

export { type Confined, confineForUse, WorkspaceBoundary } from "./workspace_boundary.ts";
export { denoFsProbe } from "./deno_fs_probe.ts";
