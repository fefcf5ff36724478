/**
 * A small pool of warm search threads for `grep`. Starting a thread costs
 * tens of milliseconds (module loading), which dominated searches of a
 * 10,000-file tree, so idle threads are kept, `unref`ed so they never hold
 * the process open. A thread whose search overran its budget or was
 * cancelled is terminated and replaced, never reused.
 *
 * @module
 */

import { Worker } from "node:worker_threads";
import type { SearchRequest, SearchResult } from "./search_files.ts";

/** A search part's outcome. */
export type PartResult = { ok: true; result: SearchResult } | { ok: false; error: string };

interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, (r: PartResult) => void>;
}

const idle: Thread[] = [];
let nextId = 1;

function spawn(): Thread {
  const worker = new Worker(new URL("./grep_thread.ts", import.meta.url));
  worker.unref();
  const pending = new Map<number, (r: PartResult) => void>();
  worker.on("message", (m: { id: number } & PartResult) => {
    const done = pending.get(m.id);
    pending.delete(m.id);
    done?.(m.ok ? { ok: true, result: m.result } : { ok: false, error: m.error });
  });
  worker.on("error", (e: Error) => {
    for (const done of pending.values()) done({ ok: false, error: e.message });
    pending.clear();
  });
  return { worker, pending };
}

/** A search part on a pooled thread, with a handle to kill that thread. */
export function runPart(
  req: SearchRequest,
): { result: Promise<PartResult>; kill(): void; release(): void } {
  const t = idle.pop() ?? spawn();
  const id = nextId++;
  const result = new Promise<PartResult>((resolve) => t.pending.set(id, resolve));
  t.worker.postMessage({ id, req });
  let settled = false;
  return {
    result,
    kill() {
      if (settled) return;
      settled = true;
      t.pending.clear();
      void t.worker.terminate();
    },
    release() {
      if (settled) return;
      settled = true;
      if (idle.length < 4) idle.push(t);
      else void t.worker.terminate();
    },
  };
}
