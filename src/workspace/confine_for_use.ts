/**
 * The check a tool makes right before it touches a path (the API the tools
 * of commit fc4db4e use): resolve it again (inside the workspace unless
 * `allowOutside`), and for writes and deletes refuse when the final component
 * is a symlink, so the operation can never be redirected through a link
 * planted after the decision.
 *
 * @module
 */

import { posix } from "node:path";
import type { WorkspaceBoundary } from "./workspace_boundary.ts";

/** Result of a confinement check. */
export type Confined = { ok: true; path: string } | { ok: false; reason: string };

/** Re-check `path` for `op` right before the use. */
export function confineForUse(
  ws: WorkspaceBoundary,
  path: string,
  op: "read" | "write" | "delete" | "list",
  allowOutside = false,
): Confined {
  const c = ws.resolve(path, { allowOutside });
  if (!c.ok) return { ok: false, reason: c.reason };
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
  return { ok: true, path: c.path };
}
