/**
 * Worker entry for `grep`: runs one search and posts the result. The parent
 * terminates the worker when the time budget runs out.
 *
 * @module
 */

/// <reference lib="deno.worker" />
import { isLiteralPattern, literalPattern } from "./grep_pattern.ts";
import { searchFiles, type SearchRequest } from "./search_files.ts";

self.onmessage = async (e: MessageEvent<SearchRequest>) => {
  try {
    const req = e.data;
    // The regular expression engine is loaded only for patterns that need it.
    const re = !req.caseInsensitive && isLiteralPattern(req.pattern)
      ? literalPattern(req.pattern)
      : (await import("./compile_grep_pattern.ts")).compileGrepPattern(
        req.pattern,
        req.caseInsensitive,
      );
    self.postMessage({ ok: true, result: searchFiles(req, re) });
  } catch (err) {
    self.postMessage({ ok: false, error: (err as Error).message });
  }
  self.close();
};
