/**
 * Reach the daemon for `astrid chat`: the one running for `$ASTRID_HOME`
 * (its state file gives the port, its 0600 token file the bearer token), or
 * a new ephemeral one started as `astrid daemon run --ephemeral` in its own
 * session (it stops by itself once the last client has left). Its log lines
 * go to `$ASTRID_HOME/daemon.log` (0600).
 *
 * A running daemon serves one workspace; when it is not the one asked for,
 * chat refuses rather than letting the agent work somewhere else.
 *
 * @module
 */

import { join } from "node:path";
import { AstridError } from "../../../core/mod.ts";
import {
  DaemonClient,
  type DaemonStateFile,
  readStateFile,
  readTokenFile,
} from "../../daemon/mod.ts";
import { DaemonChatBackend } from "./daemon_chat_backend.ts";
import { astridCommand } from "./self_command.ts";

/** How to reach or start the daemon. */
export interface ConnectOptions {
  readonly home: string;
  readonly workspace: string;
  /** Passed to a daemon this starts (`--set key=value` of the chat command). */
  readonly sets?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** How long to wait for a started daemon to listen, in ms (default 30 s). */
  readonly startTimeoutMs?: number;
  /** Told when a daemon is being started. */
  readonly onStart?: (logPath: string) => void;
  /** Told about something the user should know (`--set` not reaching a running daemon). */
  readonly onNote?: (text: string) => void;
}

const POLL_MS = 50;

/** What the state file and the port say. */
type Probe =
  | { readonly kind: "running"; readonly state: DaemonStateFile }
  | { readonly kind: "starting"; readonly state: DaemonStateFile }
  | { readonly kind: "absent" };

/**
 * Whether a daemon serves `home`: its state file names a port that accepts a
 * connection. (The port is the test, not the pid: under astrid's permission
 * flags `/proc/<pid>` cannot be read, so a pid check would call every live
 * daemon stale.) A state file still without a port counts as starting until
 * it is older than `staleMs`.
 */
async function probeDaemon(home: string, staleMs: number): Promise<Probe> {
  let state: DaemonStateFile | undefined;
  try {
    state = await readStateFile(home);
  } catch {
    return { kind: "absent" }; // Being written, or damaged: the daemon that starts replaces it.
  }
  if (state === undefined) return { kind: "absent" };
  if (state.port === 0) {
    return Date.now() - state.startedAt < staleMs
      ? { kind: "starting", state }
      : { kind: "absent" };
  }
  try {
    const c = await Deno.connect({ hostname: "127.0.0.1", port: state.port });
    c.close();
    return { kind: "running", state };
  } catch {
    return { kind: "absent" };
  }
}

/** Connect to the daemon for `home`, starting an ephemeral one if none runs. */
export async function connectDaemonBackend(o: ConnectOptions): Promise<DaemonChatBackend> {
  const timeout = o.startTimeoutMs ?? 30_000;
  let where = await probeDaemon(o.home, timeout);
  let started = false;
  if (where.kind === "absent") {
    where = await startEphemeral(o);
    started = true;
  } else if (where.kind === "starting") {
    where = await waitForDaemon(o, undefined);
  }
  if (!started && (o.sets ?? []).length > 0) {
    o.onNote?.(
      "--set only configures a daemon chat starts; the running daemon keeps its configuration",
    );
  }
  const state = where.state;
  if (state.workspace !== o.workspace) {
    throw new AstridError(
      "WORKSPACE_INVALID",
      `The daemon running for ${o.home} (pid ${state.pid}) serves the workspace ` +
        `"${state.workspace}", not "${o.workspace}"; chat there, or stop it with ` +
        "'astrid daemon stop' and start chat again",
    );
  }
  const token = await readTokenFile(o.home);
  if (token === undefined) {
    throw new AstridError("NOT_FOUND", `The daemon's token file is missing under ${o.home}`);
  }
  const client = await DaemonClient.connect({ port: state.port, token, client: "astrid-chat" });
  const mode = started ? "ephemeral, started for this chat" : state.mode;
  return new DaemonChatBackend(
    client,
    `daemon pid ${state.pid} on 127.0.0.1:${state.port} (${mode})`,
  );
}

/** Start `astrid daemon run --ephemeral` detached, and wait until it listens. */
async function startEphemeral(o: ConnectOptions): Promise<Extract<Probe, { kind: "running" }>> {
  const logPath = join(o.home, "daemon.log");
  await Deno.mkdir(o.home, { recursive: true, mode: 0o700 });
  const log = await Deno.open(logPath, { append: true, create: true, mode: 0o600 });
  log.close();
  await Deno.chmod(logPath, 0o600);
  o.onStart?.(logPath);
  const astrid = astridCommand([
    "--workspace",
    o.workspace,
    ...(o.sets ?? []).flatMap((s) => ["--set", s]),
    "daemon",
    "run",
    "--ephemeral",
  ]);
  // `setsid` puts the daemon in its own session: closing this terminal (SIGHUP) or
  // Ctrl-C in a shell that is not in raw mode does not reach it. `-w` keeps setsid
  // waiting with the daemon's exit status (without it, setsid may fork and exit 0 at once).
  const script = 'exec "$@" >>"$ASTRID_DAEMON_LOG" 2>&1 </dev/null';
  const child =
    spawn(o, "setsid", ["-w", "sh", "-c", script, "sh", astrid.cmd, ...astrid.args], logPath) ??
      spawn(o, "sh", ["-c", script, "sh", astrid.cmd, ...astrid.args], logPath);
  if (child === undefined) {
    throw new AstridError("NOT_FOUND", "Cannot start the daemon: neither setsid nor sh was found");
  }
  child.unref();
  let exited: Deno.CommandStatus | undefined;
  void child.status.then((s) => (exited = s));
  return await waitForDaemon(o, () => exited);
}

function spawn(
  o: ConnectOptions,
  cmd: string,
  args: string[],
  logPath: string,
): Deno.ChildProcess | undefined {
  try {
    return new Deno.Command(cmd, {
      args,
      env: { ...o.env, ASTRID_HOME: o.home, ASTRID_DAEMON_LOG: logPath },
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

async function waitForDaemon(
  o: ConnectOptions,
  exited: (() => Deno.CommandStatus | undefined) | undefined,
): Promise<Extract<Probe, { kind: "running" }>> {
  const timeout = o.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeout;
  for (;;) {
    const where = await probeDaemon(o.home, timeout);
    if (where.kind === "running") return where;
    const status = exited?.();
    if (status !== undefined) {
      throw new AstridError(
        "NOT_FOUND",
        `The daemon exited with code ${status.code} before it listened; see ${
          join(o.home, "daemon.log")
        }`,
      );
    }
    if (Date.now() > deadline) {
      throw new AstridError(
        "NOT_FOUND",
        `The daemon did not listen within ${
          Math.round((o.startTimeoutMs ?? 30_000) / 1000)
        } s; see ${join(o.home, "daemon.log")}`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
