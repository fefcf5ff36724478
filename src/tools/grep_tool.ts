/**
 * `grep`: search file contents in the workspace with a regular expression,
 * respecting `.gitignore`, skipping binary files, capped in results and time.
 * Patterns are RE2 (linear time, see grep_pattern.ts), so a catastrophic
 * pattern such as `(a+)+$` cannot hang anything; the search runs in Workers
 * that are terminated when the time budget runs out.
 *
 * @module
 */

import { confineForUse } from "../workspace/mod.ts";
import { Args } from "./args.ts";
import { compileGrepPattern } from "./compile_grep_pattern.ts";
import type { SearchRequest, SearchResult } from "./search_files.ts";
import { runPart } from "./grep_pool.ts";
import { clipOutput, type ToolDefinition, toolError } from "./tool.ts";

interface GrepArgs {
  pattern: string;
  path: string;
  glob?: string | undefined;
  case_insensitive?: boolean | undefined;
  max_results?: number | undefined;
}

const MAX_PATTERN = 1000;

/** How many Workers share one search (the top-level folders are split between them). */
const WORKERS = Math.max(1, Math.min(4, navigator.hardwareConcurrency ?? 2));

/**
 * Run a search in Workers, all terminated after `timeoutMs` or on abort.
 * Results are merged in path order and capped at `req.maxResults`.
 */
export async function searchInWorker(
  req: SearchRequest,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ ok: true; result: SearchResult } | { ok: false; error: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<{ ok: false; error: string }>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          error: `the search took longer than ${timeoutMs} ms and was stopped`,
        }),
      timeoutMs,
    );
    onAbort = () => resolve({ ok: false, error: "the search was cancelled" });
    signal.addEventListener("abort", onAbort, { once: true });
  });
  const parts = Array.from(
    { length: WORKERS },
    (_, index) => runPart({ ...req, shard: { index, count: WORKERS } }),
  );
  let finished = false;
  try {
    const results = await Promise.race([Promise.all(parts.map((p) => p.result)), stop]);
    if (!Array.isArray(results)) return results;
    finished = true;
    const failed = results.find((p) => !p.ok);
    if (failed && !failed.ok) return failed;
    const ok = results.filter((p): p is { ok: true; result: SearchResult } => p.ok);
    const matches = ok.flatMap((p) => p.result.matches)
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    return {
      ok: true,
      result: {
        matches: matches.slice(0, req.maxResults),
        truncated: matches.length > req.maxResults || ok.some((p) => p.result.truncated),
        filesScanned: ok.reduce((n, p) => n + p.result.filesScanned, 0),
      },
    };
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
    // Threads that finished go back to the pool; a timed-out or cancelled search
    // may still be running, so its threads are killed.
    for (const p of parts) finished ? p.release() : p.kill();
  }
}

export const grepTool: ToolDefinition<GrepArgs> = {
  name: "grep",
  description:
    "Search file contents in the workspace with a regular expression (RE2 syntax, as ripgrep: no look-around or backreferences). Respects .gitignore.",
  inputSchema: {
    type: "object",
    properties: {
      pattern: { type: "string", description: "Regular expression" },
      path: { type: "string", description: "Folder to search (default: the workspace root)" },
      glob: { type: "string", description: "Only files whose path or name matches this glob" },
      case_insensitive: { type: "boolean" },
      max_results: { type: "integer", minimum: 1 },
    },
    required: ["pattern"],
    additionalProperties: false,
  },
  parse(raw) {
    const a = new Args("grep", raw, ["pattern", "path", "glob", "case_insensitive", "max_results"]);
    const pattern = a.nonEmpty("pattern");
    if (pattern.length > MAX_PATTERN) {
      throw new TypeError(
        `grep: argument "pattern" is ${pattern.length} characters, over the limit of ${MAX_PATTERN}`,
      );
    }
    compileGrepPattern(pattern, false);
    return {
      pattern,
      path: a.string("path", true) ?? ".",
      glob: a.string("glob", true),
      case_insensitive: a.bool("case_insensitive"),
      max_results: a.int("max_results", 1, 100_000),
    };
  },
  async execute(args, ctx) {
    const c = confineForUse(ctx.workspace, args.path, "list", ctx.allowOutside);
    if (!c.ok) return toolError(`grep refused: ${c.reason}`);
    const r = await searchInWorker(
      {
        root: c.path,
        pattern: args.pattern,
        caseInsensitive: args.case_insensitive === true,
        glob: args.glob,
        maxResults: Math.min(args.max_results ?? ctx.limits.max_results, ctx.limits.max_results),
        maxFileBytes: ctx.limits.read_max_bytes,
      },
      ctx.limits.search_timeout_ms,
      ctx.signal,
    );
    if (!r.ok) return toolError(`grep: ${r.error}`);
    const { matches, truncated, filesScanned } = r.result;
    const lines = matches.map((m) => `${m.file}:${m.line}:${m.text}`);
    if (truncated) lines.push(`[stopped at ${matches.length} matches]`);
    return {
      ok: true,
      output: clipOutput(
        lines.join("\n") || `No matches in ${filesScanned} files.`,
        ctx.limits.max_output_bytes,
      ),
      data: { matches: matches.length, truncated, filesScanned },
    };
  },
};
