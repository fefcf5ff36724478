/**
 * A walk over a folder of the workspace that respects `.gitignore` files
 * (the root's and nested ones, each relative to its own folder), skips
 * `.git/`, and never follows a symlink: a link's target may be outside the
 * workspace, and the confinement check happened for the folder walked, not
 * for wherever links point.
 *
 * @module
 */

import { posix } from "node:path";
import ignore, { type Ignore } from "ignore";

/** One file found. `rel` is relative to the walk's start, with `/` separators. */
export interface WalkEntry {
  readonly rel: string;
  readonly abs: string;
}

interface Rules {
  readonly base: string;
  readonly ig: Ignore;
}

async function rulesIn(dir: string): Promise<Ignore | undefined> {
  try {
    const text = await Deno.readTextFile(posix.join(dir, ".gitignore"));
    return ignore().add(text);
  } catch {
    return undefined;
  }
}

function ignored(rules: readonly Rules[], abs: string, isDir: boolean): boolean {
  for (const r of rules) {
    const rel = posix.relative(r.base, abs);
    if (rel === "" || rel.startsWith("..")) continue;
    if (r.ig.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/** Walk the files below `root` (canonical), depth first, in name order. */
export async function* walkWorkspace(
  root: string,
  options: { signal?: AbortSignal; deadline?: number } = {},
): AsyncGenerator<WalkEntry> {
  const stack: { dir: string; rules: Rules[] }[] = [];
  const rootRules = await rulesIn(root);
  stack.push({ dir: root, rules: rootRules ? [{ base: root, ig: rootRules }] : [] });
  while (stack.length > 0) {
    const { dir, rules } = stack.pop()!;
    options.signal?.throwIfAborted();
    if (options.deadline !== undefined && performance.now() > options.deadline) {
      throw new Deno.errors.TimedOut("the search ran out of time");
    }
    const entries: Deno.DirEntry[] = [];
    try {
      for await (const e of Deno.readDir(dir)) entries.push(e);
    } catch {
      continue; // unreadable folder: skip
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    const files: WalkEntry[] = [];
    for (const e of entries) {
      if (e.isSymlink) continue;
      const abs = posix.join(dir, e.name);
      if (e.isDirectory) {
        if (e.name === ".git" || ignored(rules, abs, true)) continue;
        const nested = await rulesIn(abs);
        stack.push({ dir: abs, rules: nested ? [...rules, { base: abs, ig: nested }] : rules });
      } else if (e.isFile && !ignored(rules, abs, false)) {
        files.push({ rel: posix.relative(root, abs), abs });
      }
    }
    for (let i = files.length - 1; i >= 0; i--) yield files[i]!;
  }
}

function rulesInSync(dir: string): Ignore | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(posix.join(dir, ".gitignore"));
  } catch {
    return undefined;
  }
  return ignore().add(text);
}

/**
 * The same walk with synchronous file system calls, for worker threads where
 * blocking is harmless and async call overhead dominates (grep over 10,000 files).
 */
export function* walkWorkspaceSync(
  root: string,
  shard: { index: number; count: number } = { index: 0, count: 1 },
): Generator<WalkEntry> {
  const stack: { dir: string; rules: Rules[] }[] = [];
  const rootRules = rulesInSync(root);
  stack.push({ dir: root, rules: rootRules ? [{ base: root, ig: rootRules }] : [] });
  let top = true;
  while (stack.length > 0) {
    const { dir, rules } = stack.pop()!;
    // Sharding splits the top level between workers: folders round-robin,
    // the root's own files to shard 0. Every shard applies the same rules.
    const atTop = top;
    top = false;
    let nth = 0;
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    const files: WalkEntry[] = [];
    for (const e of entries) {
      if (e.isSymlink) continue;
      const abs = posix.join(dir, e.name);
      if (e.isDirectory) {
        if (e.name === ".git" || ignored(rules, abs, true)) continue;
        if (atTop && nth++ % shard.count !== shard.index) continue;
        const nested = rulesInSync(abs);
        stack.push({ dir: abs, rules: nested ? [...rules, { base: abs, ig: nested }] : rules });
      } else if (e.isFile && !ignored(rules, abs, false)) {
        if (atTop && shard.index !== 0) continue;
        files.push({ rel: posix.relative(root, abs), abs });
      }
    }
    for (let i = files.length - 1; i >= 0; i--) yield files[i]!;
  }
}
