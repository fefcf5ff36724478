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
import { DaemonClient, locateDaemon, readStateFile, readTokenFile } from "../../daemon/mod.ts";
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
}

const POLL_MS = 50;

/** Connect to the daemon for `home`, starting an ephemeral one if none runs. */
export async function connectDaemonBackend(o: ConnectOptions): Promise<DaemonChatBackend> {
  let where = await locateDaemon(o.home);
  let started = false;
  if (where.kind === "none" || where.kind === "stale") {
    await startEphemeral(o);
    started = true;
    where = await locateDaemon(o.home);
  } else if (where.kind === "starting") {
    where = await waitForDaemon(o, undefined);
  }
  if (where.kind !== "running") {
    throw new AstridError("NOT_FOUND", `The daemon for ${o.home} is not running (${where.kind})`);
  }
  const state = await readStateFile(o.home);
  if (state !== undefined && state.workspace !== o.workspace) {
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
  const client = await DaemonClient.connect({ port: where.port, token, client: "astrid-chat" });
  const mode = started ? "ephemeral, started for this chat" : where.mode;
  return new DaemonChatBackend(
    client,
    `daemon pid ${where.pid} on 127.0.0.1:${where.port} (${mode})`,
  );
}

/** Start `astrid daemon run --ephemeral` detached, and wait until it listens. */
async function startEphemeral(o: ConnectOptions): Promise<void> {
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
  // Ctrl-C in a shell that is not in raw mode does not reach it.
  const script = 'exec "$@" >>"$ASTRID_DAEMON_LOG" 2>&1 </dev/null';
  const child =
    spawn(o, "setsid", ["sh", "-c", script, "sh", astrid.cmd, ...astrid.args], logPath) ??
      spawn(o, "sh", ["-c", script, "sh", astrid.cmd, ...astrid.args], logPath);
  if (child === undefined) {
    throw new AstridError("NOT_FOUND", "Cannot start the daemon: neither setsid nor sh was found");
  }
  child.unref();
  let exited: Deno.CommandStatus | undefined;
  void child.status.then((s) => (exited = s));
  const where = await waitForDaemon(o, () => exited);
  if (where.kind !== "running") {
    throw new AstridError("NOT_FOUND", `The daemon did not start; see ${logPath}`);
  }
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
) {
  const deadline = Date.now() + (o.startTimeoutMs ?? 30_000);
  for (;;) {
    const where = await locateDaemon(o.home).catch(() => ({ kind: "none" as const }));
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
