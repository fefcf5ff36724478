/**
 * Worker entry for `grep`: runs one search and posts the result. The parent
 * terminates the worker when the time budget runs out.
 *
 * @module
 */

/// <reference lib="deno.worker" />
import { searchFiles, type SearchRequest } from "./search_files.ts";

self.onmessage = (e: MessageEvent<SearchRequest>) => {
  try {
    self.postMessage({ ok: true, result: searchFiles(e.data) });
  } catch (err) {
    self.postMessage({ ok: false, error: (err as Error).message });
  }
  self.close();
};
