/**
 * Real temporary trees with real symlinks for the confinement tests, and a
 * snapshot of a tree (kinds, link targets, content) to prove a refused call
 * left the file system untouched.
 */

import { WorkspaceBoundary, type WorkspaceOptions } from "../../src/workspace/mod.ts";

/**
 * Layout (under a fresh temporary folder `base`):
 *
 *     ws/a.txt                  "alpha\n"
 *     ws/sub/b.txt              "beta\n"
 *     ws/link_in -> sub/b.txt
 *     ws/link_out -> ../outside          (a folder outside)
 *     ws/link_file_out -> ../outside/secret.txt
 *     ws/dangling -> nowhere
 *     ws/loop -> loop
 *     ws-other/x.txt            (prefix sibling of ws)
 *     outside/secret.txt        "secret\n"
 */
export interface Tree {
  readonly base: string;
  readonly ws: string;
  readonly outside: string;
  readonly other: string;
  readonly boundary: WorkspaceBoundary;
  dispose(): Promise<void>;
}

export async function makeTree(options: WorkspaceOptions = {}): Promise<Tree> {
  const base = Deno.realPathSync(await Deno.makeTempDir({ prefix: "astrid_ws_" }));
  const ws = `${base}/ws`;
  const outside = `${base}/outside`;
  const other = `${base}/ws-other`;
  Deno.mkdirSync(`${ws}/sub`, { recursive: true });
  Deno.mkdirSync(outside);
  Deno.mkdirSync(other);
  Deno.writeTextFileSync(`${ws}/a.txt`, "alpha\n");
  Deno.writeTextFileSync(`${ws}/sub/b.txt`, "beta\n");
  Deno.writeTextFileSync(`${outside}/secret.txt`, "secret\n");
  Deno.writeTextFileSync(`${other}/x.txt`, "other\n");
  Deno.symlinkSync("sub/b.txt", `${ws}/link_in`);
  Deno.symlinkSync("../outside", `${ws}/link_out`);
  Deno.symlinkSync("../outside/secret.txt", `${ws}/link_file_out`);
  Deno.symlinkSync("nowhere", `${ws}/dangling`);
  Deno.symlinkSync("loop", `${ws}/loop`);
  return {
    base,
    ws,
    outside,
    other,
    boundary: WorkspaceBoundary.open(ws, options),
    dispose: () => Deno.remove(base, { recursive: true }),
  };
}

/** Run `fn` with a fresh tree and always clean up. */
export async function withTree(
  fn: (t: Tree) => void | Promise<void>,
  options: WorkspaceOptions = {},
): Promise<void> {
  const t = await makeTree(options);
  try {
    await fn(t);
  } finally {
    await t.dispose();
  }
}

/** Every entry below `dir`: `path -> "dir" | "link:<target>" | "file:<mode>:<content>"`. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    const names = [...Deno.readDirSync(d)].map((e) => e.name).sort();
    for (const name of names) {
      const p = `${d}/${name}`;
      const r = rel === "" ? name : `${rel}/${name}`;
      const info = Deno.lstatSync(p);
      if (info.isSymlink) out[r] = `link:${Deno.readLinkSync(p)}`;
      else if (info.isDirectory) {
        out[r] = "dir";
        walk(p, r);
      } else out[r] = `file:${(info.mode ?? 0) & 0o777}:${Deno.readTextFileSync(p)}`;
    }
  };
  walk(dir, "");
  return out;
}
