/**
 * The runtime's durable state lives in one Deno KV file under the home folder:
 * sessions, budgets, tokens, the approval queue and the audit chain.
 *
 * @module
 */

import { join } from "node:path";
import { retryWhileBusy } from "./kv_retry.ts";

/** Path of the state file for `home`. */
export function stateKvPath(home: string): string {
  return join(home, "state.kv");
}

/**
 * Open (creating if needed) `$home/state.kv`; the home folder is created with
 * mode 0700. Two processes opening a new file at once can meet SQLite's
 * `database is locked` while the schema is created: that is retried.
 */
export async function openStateKv(home: string): Promise<Deno.Kv> {
  await Deno.mkdir(home, { recursive: true, mode: 0o700 });
  return await openKvFile(stateKvPath(home));
}

/** `Deno.openKv(path)`, retried while another process holds the file's lock. */
export function openKvFile(path: string): Promise<Deno.Kv> {
  return retryWhileBusy(() => Deno.openKv(path));
}

/** Open the state file only if it exists (read-only commands must not create state). */
export async function openExistingStateKv(home: string): Promise<Deno.Kv | undefined> {
  try {
    await Deno.lstat(stateKvPath(home));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  return await openKvFile(stateKvPath(home));
}
