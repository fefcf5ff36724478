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

interface Frame {
  readonly dir: string;
  readonly rules: Rules[];
}

type Shard = { readonly index: number; readonly count: number };

/**
 * One folder's step of the walk, shared by both variants: which subfolders
 * to descend into and which files to yield, in name order. Links are never
 * followed; `.git` and ignored entries are skipped. Sharding splits the top
 * level between workers: folders round-robin, the root's own files to shard 0.
 */
function expand(
  frame: Frame,
  entries: Deno.DirEntry[],
  root: string,
  shard: Shard,
  atTop: boolean,
): { dirs: string[]; files: WalkEntry[] } {
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const dirs: string[] = [];
  const files: WalkEntry[] = [];
  let nth = 0;
  for (const e of entries) {
    if (e.isSymlink) continue;
    const abs = posix.join(frame.dir, e.name);
    if (e.isDirectory) {
      if (e.name === ".git" || ignored(frame.rules, abs, true)) continue;
      if (atTop && nth++ % shard.count !== shard.index) continue;
      dirs.push(abs);
    } else if (e.isFile && !ignored(frame.rules, abs, false)) {
      if (atTop && shard.index !== 0) continue;
      files.push({ rel: posix.relative(root, abs), abs });
    }
  }
  return { dirs, files };
}

function child(frame: Frame, dir: string, nested: Ignore | undefined): Frame {
  return { dir, rules: nested ? [...frame.rules, { base: dir, ig: nested }] : frame.rules };
}

/** Walk the files below `root` (canonical), depth first, in name order. */
export async function* walkWorkspace(
  root: string,
  options: { signal?: AbortSignal; deadline?: number } = {},
): AsyncGenerator<WalkEntry> {
  const rootRules = await rulesIn(root);
  const stack: Frame[] = [{ dir: root, rules: rootRules ? [{ base: root, ig: rootRules }] : [] }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    options.signal?.throwIfAborted();
    if (options.deadline !== undefined && performance.now() > options.deadline) {
      throw new Deno.errors.TimedOut("the search ran out of time");
    }
    const entries: Deno.DirEntry[] = [];
    try {
      for await (const e of Deno.readDir(frame.dir)) entries.push(e);
    } catch {
      continue; // unreadable folder: skip
    }
    const { dirs, files } = expand(frame, entries, root, { index: 0, count: 1 }, false);
    for (let i = dirs.length - 1; i >= 0; i--) {
      stack.push(child(frame, dirs[i]!, await rulesIn(dirs[i]!)));
    }
    yield* files;
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
  shard: Shard = { index: 0, count: 1 },
): Generator<WalkEntry> {
  const rootRules = rulesInSync(root);
  const stack: Frame[] = [{ dir: root, rules: rootRules ? [{ base: root, ig: rootRules }] : [] }];
  let atTop = true;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(frame.dir)];
    } catch {
      atTop = false;
      continue;
    }
    const { dirs, files } = expand(frame, entries, root, shard, atTop);
    atTop = false;
    for (let i = dirs.length - 1; i >= 0; i--) {
      stack.push(child(frame, dirs[i]!, rulesInSync(dirs[i]!)));
    }
    yield* files;
  }
}
