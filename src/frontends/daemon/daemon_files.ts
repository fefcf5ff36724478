/**
 * The daemon's two files under `$ASTRID_HOME`, both mode 0600:
 *
 * - `daemon.json`, the state file: pid, port, mode. Created exclusively (a
 *   hard link of a finished temp file, so a reader never sees half a file and
 *   two daemons cannot both claim it); a file whose pid is gone is stale.
 * - `daemon.token`, the bearer token clients send. A new one at every start.
 *
 * @module
 */

import { join } from "node:path";

/** File names under the home folder. */
export const DAEMON_FILES = { state: "daemon.json", token: "daemon.token" } as const;

/** What the state file holds. */
export interface DaemonStateFile {
  readonly v: 1;
  readonly pid: number;
  /** 0 while the daemon is starting. */
  readonly port: number;
  readonly mode: "persistent" | "ephemeral";
  readonly protocol: number;
  readonly version: string;
  readonly startedAt: number;
  readonly workspace: string;
}

/** Paths of the daemon's files under `home`. */
export function daemonPaths(home: string): { state: string; token: string } {
  return { state: join(home, DAEMON_FILES.state), token: join(home, DAEMON_FILES.token) };
}

/**
 * Create the state file if there is none. Returns the state file that is in
 * the way otherwise (the caller decides whether it is stale).
 */
export async function claimStateFile(
  home: string,
  state: DaemonStateFile,
): Promise<{ ok: true } | { ok: false; existing: DaemonStateFile | undefined }> {
  const path = daemonPaths(home).state;
  const tmp = await writePrivate(path, JSON.stringify(state));
  try {
    await Deno.link(tmp, path);
    return { ok: true };
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    return { ok: false, existing: await readStateFile(home).catch(() => undefined) };
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/** Replace the state file this process holds (to record the port). */
export async function updateStateFile(home: string, state: DaemonStateFile): Promise<void> {
  const path = daemonPaths(home).state;
  const tmp = await writePrivate(path, JSON.stringify(state));
  await Deno.rename(tmp, path);
}

/** The state file, `undefined` when there is none; `SyntaxError` when it is damaged. */
export async function readStateFile(home: string): Promise<DaemonStateFile | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(daemonPaths(home).state);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  const v = JSON.parse(text) as Partial<DaemonStateFile>;
  if (
    v?.v !== 1 || !Number.isSafeInteger(v.pid) || !Number.isSafeInteger(v.port) ||
    (v.mode !== "persistent" && v.mode !== "ephemeral")
  ) {
    throw new SyntaxError(`${daemonPaths(home).state} is not a daemon state file`);
  }
  return v as DaemonStateFile;
}

/** Remove the state file if it is `pid`'s (never another daemon's). */
export async function releaseStateFile(home: string, pid: number): Promise<void> {
  const current = await readStateFile(home).catch(() => undefined);
  if (current !== undefined && current.pid !== pid) return;
  await Deno.remove(daemonPaths(home).state).catch(() => {});
}

/** Remove a stale state file (its process is gone). */
export async function removeStaleStateFile(home: string, stale: DaemonStateFile): Promise<void> {
  const current = await readStateFile(home).catch(() => undefined);
  if (current !== undefined && current.pid !== stale.pid) return;
  await Deno.remove(daemonPaths(home).state).catch(() => {});
}

/** Write a new token file (0600), replacing any old one. */
export async function writeTokenFile(home: string, token: string): Promise<void> {
  const path = daemonPaths(home).token;
  await Deno.rename(await writePrivate(path, `${token}\n`), path);
}

/** The token, or `undefined` when there is no token file. */
export async function readTokenFile(home: string): Promise<string | undefined> {
  try {
    return (await Deno.readTextFile(daemonPaths(home).token)).trim();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** Remove the token file. */
export async function removeTokenFile(home: string): Promise<void> {
  await Deno.remove(daemonPaths(home).token).catch(() => {});
}

/** Whether the process `pid` exists (Linux `/proc`; elsewhere assumed alive). */
export async function pidAlive(pid: number): Promise<boolean> {
  if (Deno.build.os !== "linux") return true;
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch (e) {
    // Only "no such process" means dead. Under the astrid task's flags Deno refuses
    // /proc paths (NotCapable) without --allow-all: then we cannot tell, and the
    // port check decides.
    return !(e instanceof Deno.errors.NotFound);
  }
}

/** Whether the daemon `state` describes is still there: its pid lives and its port answers. */
export async function daemonAlive(state: DaemonStateFile): Promise<boolean> {
  if (!await pidAlive(state.pid)) return false;
  if (state.port === 0) return true;
  try {
    const c = await Deno.connect({ hostname: "127.0.0.1", port: state.port });
    c.close();
    return true;
  } catch {
    return false;
  }
}

/** Write `text` to a fresh 0600 temp file next to `path`; returns its path. */
async function writePrivate(path: string, text: string): Promise<string> {
  const tmp = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await Deno.writeTextFile(tmp, text, { mode: 0o600, createNew: true });
  await Deno.chmod(tmp, 0o600);
  return tmp;
}
