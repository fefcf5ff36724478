/**
 * Thread entry for `grep` (node:worker_threads, so idle threads can be
 * `unref`ed and kept warm between searches without holding the process
 * open). Runs one search per message; the parent terminates the thread when
 * the time budget runs out and never reuses it afterwards.
 *
 * @module
 */

import { parentPort } from "node:worker_threads";
import { isLiteralPattern, literalPattern } from "./grep_pattern.ts";
import { searchFiles, type SearchRequest } from "./search_files.ts";

parentPort!.on("message", async (msg: { id: number; req: SearchRequest }) => {
  const { id, req } = msg;
  try {
    // The regular expression engine is loaded only for patterns that need it.
    const re = !req.caseInsensitive && isLiteralPattern(req.pattern)
      ? literalPattern(req.pattern)
      : (await import("./compile_grep_pattern.ts")).compileGrepPattern(
        req.pattern,
        req.caseInsensitive,
      );
    parentPort!.postMessage({ id, ok: true, result: searchFiles(req, re) });
  } catch (err) {
    parentPort!.postMessage({ id, ok: false, error: (err as Error).message });
  }
});
