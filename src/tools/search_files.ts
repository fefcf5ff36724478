/**
 * The search behind `grep`: walk the folder, skip binary and oversized files,
 * and collect matching lines. Patterns run in linear time (RE2, see
 * compile_grep_pattern.ts); the search runs on a pooled thread (`grep_thread.ts`) that
 * is terminated at the time limit, which stops it because it is plain
 * JavaScript (V8 could not stop its own regular expression engine mid-match).
 *
 * @module
 */

// The glob file alone, not the security door: this module starts every grep Worker.
import { globMatch } from "../security/glob.ts";
import type { GrepPattern } from "./grep_pattern.ts";
import { walkWorkspaceSync } from "./walk_workspace.ts";
import { Buffer } from "node:buffer";

/** What to search. */
export interface SearchRequest {
  readonly root: string;
  readonly pattern: string;
  readonly caseInsensitive: boolean;
  readonly glob?: string | undefined;
  readonly maxResults: number;
  readonly maxFileBytes: number;
  /** Which part of the top level this search covers (parallel workers). */
  readonly shard?: { readonly index: number; readonly count: number };
}

/** One matching line. */
export interface SearchMatch {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** What the search found. */
export interface SearchResult {
  readonly matches: SearchMatch[];
  readonly truncated: boolean;
  readonly filesScanned: number;
}

const MAX_LINE = 500;

const SMALL = 256 * 1024;
const scratch = new Uint8Array(SMALL + 1);

/**
 * The file's bytes, or `undefined` when it is unreadable or larger than
 * `max`. Small files (the usual case) take open, read and close: one
 * system call less per file than stat plus readFile. The view is only valid
 * until the next call.
 */
function readBounded(path: string, max: number): Uint8Array | undefined {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path);
  } catch {
    return undefined;
  }
  try {
    let n = 0;
    for (;;) {
      const r = file.readSync(scratch.subarray(n));
      if (r === null || r === 0) break;
      n += r;
      if (n === scratch.length) {
        // Larger than the scratch buffer: fall back to a sized read.
        const size = file.statSync().size;
        if (size > max) return undefined;
        const all = new Uint8Array(size);
        all.set(scratch.subarray(0, n));
        let m = n;
        while (m < size) {
          const k = file.readSync(all.subarray(m));
          if (k === null || k === 0) break;
          m += k;
        }
        return all.subarray(0, m);
      }
    }
    return n > max ? undefined : scratch.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    file.close();
  }
}

/**
 * Run the search with `re`, the compiled `req.pattern` (linear time whatever
 * the pattern, see compile_grep_pattern.ts). Blocking file system calls:
 * meant for the grep Worker.
 */
export function searchFiles(req: SearchRequest, re: GrepPattern): SearchResult {
  // A plain, case-sensitive literal lets whole files be skipped with one native
  // byte search before any decoding (most files do not contain it).
  const literal = !req.caseInsensitive && /^[^\\^$.*+?()[\]{}|]+$/.test(req.pattern)
    ? Buffer.from(req.pattern, "utf8")
    : undefined;
  const matches: SearchMatch[] = [];
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let filesScanned = 0;
  for (const f of walkWorkspaceSync(req.root, req.shard)) {
    if (req.glob && !globMatch(req.glob, f.rel) && !globMatch(req.glob, f.rel.split("/").pop()!)) {
      continue;
    }
    const bytes = readBounded(f.abs, req.maxFileBytes);
    if (bytes === undefined) continue;
    filesScanned++;
    if (literal && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(literal) < 0) {
      continue;
    }
    if (bytes.subarray(0, 8192).includes(0)) continue;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      continue;
    }
    if (re.wholeTextPrefilter && !re.test(text)) continue;
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!re.test(lines[i]!)) continue;
      const t = lines[i]!;
      matches.push({
        file: f.rel,
        line: i + 1,
        text: t.length > MAX_LINE ? `${t.slice(0, MAX_LINE)}…` : t,
      });
      if (matches.length >= req.maxResults) return { matches, truncated: true, filesScanned };
    }
  }
  return { matches, truncated: false, filesScanned };
}
