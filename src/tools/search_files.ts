/**
 * The search behind `grep`: walk the folder, skip binary and oversized files,
 * and collect matching lines. Runs inside a Worker (`grep_worker.ts`) so that
 * a catastrophic regular expression can be stopped by terminating the worker.
 *
 * @module
 */

// The glob file alone, not the security door: this module starts every grep Worker.
import { globMatch } from "../security/glob.ts";
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

/** Run the search. Blocking file system calls: meant for the grep Worker. */
export function searchFiles(req: SearchRequest): SearchResult {
  const re = new RegExp(req.pattern, req.caseInsensitive ? "i" : "");
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
    let bytes: Uint8Array;
    try {
      const st = Deno.statSync(f.abs);
      if (st.size > req.maxFileBytes) continue;
      bytes = Deno.readFileSync(f.abs);
    } catch {
      continue;
    }
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
