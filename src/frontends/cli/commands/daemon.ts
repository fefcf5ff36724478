/**
 * `astrid daemon run|status|stop`. The daemon's code is imported when one of
 * these runs, not when the CLI starts, so `astrid --help` stays fast.
 *
 * @module
 */

import type { Command } from "commander";
import { UsageError } from "../../../core/mod.ts";
import { resolveHome, resolveWorkspace } from "../../../config/mod.ts";
import type { DaemonStatus } from "../../daemon/mod.ts";
import type { CliContext, GlobalOptions, RegisterCommand } from "../context.ts";
import { VERSION } from "../version.ts";
import { loadConfigForCommand } from "./config.ts";

/** Register `astrid daemon`. */
export const registerDaemonCommand: RegisterCommand = (program, ctx) => {
  const daemon = program.command("daemon")
    .description("Manage the background daemon")
    .addHelpText(
      "after",
      `
The daemon serves sessions, turns and approvals to local clients over JSON-RPC 2.0
on a WebSocket bound to 127.0.0.1. Clients authenticate with the token in
$ASTRID_HOME/daemon.token; the port is in $ASTRID_HOME/daemon.json.

Examples:
  $ astrid daemon run                       run in the foreground until stopped
  $ astrid daemon run --ephemeral --grace-period 30
  $ astrid daemon status --json
  $ astrid daemon stop`,
    );

  daemon.command("run")
    .description("Run the daemon in the foreground (logs are JSON lines on stderr)")
    .option("--ephemeral", "stop once the last client has left and the grace period passed")
    .option(
      "--grace-period <secs>",
      "seconds to wait for turns on shutdown and, when ephemeral, for a client to come back " +
        "(default: [daemon] grace_period_secs)",
    )
    .addHelpText(
      "after",
      `
Stops on SIGTERM, SIGINT or 'astrid daemon stop': running turns are cancelled, the audit
log is flushed and the state and token files are removed. Exit status 1 when another
daemon already runs for this ASTRID_HOME.`,
    )
    .action(async (opts: { ephemeral?: boolean; gracePeriod?: string }, cmd: Command) => {
      const graceSecs = opts.gracePeriod === undefined ? undefined : parseSecs(opts.gracePeriod);
      const loaded = await loadConfigForCommand(ctx, cmd);
      const globals = cmd.optsWithGlobals() as GlobalOptions;
      const { runDaemon } = await import("../../daemon/mod.ts");
      const code = await runDaemon({
        home: resolveHome(ctx.env),
        workspace: resolveWorkspace(ctx.cwd, globals.workspace),
        env: ctx.env,
        loaded,
        mode: opts.ephemeral ? "ephemeral" : "persistent",
        ...(graceSecs !== undefined ? { graceSecs } : {}),
        version: VERSION,
        writeLog: (line) => ctx.io.stderr(line),
      });
      ctx.setExitCode(code);
    });

  daemon.command("status")
    .description("Show whether the daemon runs, and what it is doing")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExit status: 0 when a daemon is running, 1 when none is.")
    .action(async (opts: { json?: boolean }) => {
      const home = resolveHome(ctx.env);
      const { connectToDaemon, locateDaemon } = await import("../../daemon/mod.ts");
      const where = await locateDaemon(home);
      if (where.kind !== "running") {
        ctx.setExitCode(1);
        const message = where.kind === "none"
          ? "not running"
          : where.kind === "starting"
          ? `starting (pid ${where.pid})`
          : `not running (stale state file: pid ${where.pid} is gone)`;
        if (opts.json) {
          ctx.io.stdout(`${JSON.stringify({ running: false, ...where })}\n`);
        } else ctx.io.stdout(`daemon: ${message}\n`);
        return;
      }
      const client = await connectToDaemon(home, { client: "astrid-cli" });
      try {
        const s = await client.call<DaemonStatus>("daemon.status");
        if (opts.json) ctx.io.stdout(`${JSON.stringify({ running: true, ...s }, null, 2)}\n`);
        else ctx.io.stdout(renderStatus(s));
      } finally {
        await client.close();
      }
    });

  daemon.command("stop")
    .description("Stop the running daemon and wait until it has exited")
    .option("--timeout <secs>", "how long to wait for it to exit", "60")
    .option("--json", "print JSON")
    .action(async (opts: { timeout: string; json?: boolean }) => {
      const timeoutMs = parseSecs(opts.timeout, "--timeout") * 1000;
      await stopDaemon(ctx, timeoutMs, opts.json === true);
    });
};

async function stopDaemon(ctx: CliContext, timeoutMs: number, json: boolean): Promise<void> {
  const home = resolveHome(ctx.env);
  const { connectToDaemon, locateDaemon, pidAlive } = await import("../../daemon/mod.ts");
  const where = await locateDaemon(home);
  const say = (stopped: boolean, text: string, pid?: number) =>
    json
      ? ctx.io.stdout(`${JSON.stringify({ stopped, ...(pid ? { pid } : {}), message: text })}\n`)
      : ctx.io.stdout(`daemon: ${text}\n`);
  if (where.kind === "none" || where.kind === "stale") {
    say(false, "not running");
    return;
  }
  let asked = false;
  if (where.kind === "running") {
    try {
      const client = await connectToDaemon(home, { client: "astrid-cli" });
      try {
        await client.call("daemon.stop");
        asked = true;
      } finally {
        await client.close();
      }
    } catch {
      // Fall back to a signal below.
    }
  }
  // The same OS user may always signal its own daemon.
  if (!asked) Deno.kill(where.pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (await pidAlive(where.pid)) {
    if (Date.now() > deadline) {
      ctx.setExitCode(1);
      say(false, `pid ${where.pid} is still running after ${timeoutMs / 1000} s`, where.pid);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  say(true, `stopped (pid ${where.pid})`, where.pid);
}

function renderStatus(s: DaemonStatus): string {
  const up = Math.round(s.uptimeMs / 1000);
  return [
    `daemon: running (pid ${s.pid}, port ${s.port}, ${s.mode}, protocol ${s.protocol}, version ${s.version})`,
    `  workspace: ${s.workspace}`,
    `  up ${up} s; ${s.clients} client(s), ${s.liveSessions} live session(s), ` +
    `${s.runningTurns} running turn(s), ${s.pendingApprovals} approval(s) waiting`,
    `  audit chain: ${s.auditIntact ? "verified" : "BROKEN (risky actions refused)"}`,
    ...(s.shuttingDown ? ["  stopping"] : []),
    "",
  ].join("\n");
}

function parseSecs(v: string, flag = "--grace-period"): number {
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} "${v}" is not a whole number of seconds`);
  }
  return n;
}
