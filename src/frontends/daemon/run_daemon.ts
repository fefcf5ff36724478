/**
 * `astrid daemon run`: the imperative shell around {@link DaemonCore}. In
 * order: claim the state file (refusing if a live daemon holds it), open the
 * security runtime (which verifies the audit chain), repair sessions a dead
 * daemon left mid-turn, write a fresh token, listen on 127.0.0.1, record the
 * port, and serve until a signal, `daemon.stop`, the caller's abort signal or
 * (ephemeral mode) the idle timer stops it. Stopping cancels turns, waits up
 * to the grace period, closes the runtime (flushing the audit batcher) and
 * removes the token and state files.
 *
 * @module
 */

import type { Clock } from "../../core/mod.ts";
import { cryptoRandom } from "../../core/mod.ts";
import type { LoadedConfig } from "../../config/mod.ts";
import { createProvider, type LlmProvider } from "../../llm/mod.ts";
import {
  AgentHost,
  ApprovalBridge,
  builtinToolHost,
  combineToolHosts,
  DEFAULT_SYSTEM_PROMPT,
  type ToolHost,
} from "../../runtime/agent/mod.ts";
import {
  type CapsuleTools,
  openCapsuleTools,
  openSecurityRuntime,
  type SecurityRuntime,
} from "../../runtime/mod.ts";
import { ApprovalDesk } from "./approval_desk.ts";
import { credentialOf, LOCAL_PRINCIPAL, newToken } from "./credentials.ts";
import { DaemonApprovalChannel } from "./daemon_approval_channel.ts";
import { DaemonCore, type DaemonLog } from "./daemon_core.ts";
import {
  claimStateFile,
  daemonAlive,
  daemonPaths,
  type DaemonStateFile,
  releaseStateFile,
  removeStaleStateFile,
  removeTokenFile,
  updateStateFile,
  writeTokenFile,
} from "./daemon_files.ts";
import { jsonLog } from "./json_log.ts";
import { PROTOCOL_VERSION } from "./protocol.ts";
import { DAEMON_AUDIT_SESSION, serveDaemon } from "./serve_daemon.ts";
import { SessionHub } from "./session_hub.ts";
import { type BucketLimits, FailureLimiter } from "./token_bucket.ts";

/** How an ephemeral daemon nobody connected to yet waits at least, in ms. */
export const FIRST_CLIENT_WAIT_MS = 10_000;

/** How to run the daemon. */
export interface RunDaemonOptions {
  readonly home: string;
  readonly workspace: string;
  readonly env: Readonly<Record<string, string>>;
  readonly loaded: LoadedConfig;
  readonly mode: "persistent" | "ephemeral";
  /** Overrides `[daemon] grace_period_secs`. */
  readonly graceSecs?: number;
  readonly version: string;
  /** Where log lines go (stderr). */
  readonly writeLog: (line: string) => void;
  /** Stops the daemon when aborted (tests; `main` uses signals). */
  readonly signal?: AbortSignal;
  /** Listen for SIGTERM and SIGINT (default true). */
  readonly handleSignals?: boolean;
  /** Called once it listens. */
  readonly onReady?: (state: DaemonStateFile) => void;
  readonly provider?: LlmProvider;
  /** The model the provider is asked for (default `[llm] model`). */
  readonly model?: string;
  readonly tools?: ToolHost;
  readonly clock?: Clock;
  readonly rateLimits?: BucketLimits;
}

const systemClock: Clock = { now: () => Date.now() };

/** Run until stopped. Resolves with the process exit code (0 after a clean stop). */
export async function runDaemon(o: RunDaemonOptions): Promise<number> {
  const clock = o.clock ?? systemClock;
  const log = jsonLog(o.writeLog, clock);
  const graceSecs = o.graceSecs ?? o.loaded.config.daemon.grace_period_secs;
  const state: DaemonStateFile = {
    v: 1,
    pid: Deno.pid,
    port: 0,
    mode: o.mode,
    protocol: PROTOCOL_VERSION,
    version: o.version,
    startedAt: clock.now(),
    workspace: o.workspace,
  };
  await Deno.mkdir(o.home, { recursive: true, mode: 0o700 });
  if (!await claim(o.home, state, log)) return 1;

  const hub = new SessionHub();
  const desk = new ApprovalDesk(hub);
  const bridge = new ApprovalBridge();
  const channel = new DaemonApprovalChannel(hub, desk, bridge);
  let rt: SecurityRuntime | undefined;
  let capsuleTools: CapsuleTools | undefined;
  const cleanups: (() => void)[] = [];
  try {
    rt = await openSecurityRuntime({
      home: o.home,
      workspace: o.workspace,
      env: o.env,
      loaded: o.loaded,
      channel,
      clock,
    });
    const runtime = rt;
    if (rt.auditIntact) log("info", "audit chain verified");
    else {
      log(
        "error",
        "the audit chain failed verification: risky actions are refused until " +
          "someone runs 'astrid audit verify' and acknowledges the break",
      );
    }
    // Approved MCP servers of capsules and [[mcp.servers]]; one failing is a warning.
    capsuleTools = await openCapsuleTools(rt, {
      env: o.env,
      warn: (message) => log("warn", message),
    });
    for (const s of capsuleTools.servers) {
      log("info", "MCP server started", { server: s.server, pid: s.pid, tools: s.tools.length });
    }
    const context = capsuleTools.systemContext;
    const host = new AgentHost({
      rt,
      approvals: bridge,
      provider: o.provider ?? createProvider(rt.config.llm, o.env),
      tools: combineToolHosts(o.tools ?? builtinToolHost(rt, o.env), capsuleTools.host),
      ...(context !== "" ? { systemPrompt: `${DEFAULT_SYSTEM_PROMPT}\n\n${context}` } : {}),
      ...(o.model !== undefined ? { model: o.model } : {}),
      clock,
    });
    await repairInterrupted(host, rt.workspace, log);

    const token = newToken((n) => cryptoRandom.bytes(n));
    await writeTokenFile(o.home, token);
    const core = new DaemonCore({
      rt,
      host,
      hub,
      desk,
      channel,
      clock,
      mode: o.mode,
      version: o.version,
      pid: Deno.pid,
      graceMs: graceSecs * 1000,
      log,
    });
    const server = serveDaemon({
      core,
      credentials: [credentialOf(LOCAL_PRINCIPAL, token)],
      limiter: new FailureLimiter(clock, o.rateLimits),
      audit: (d) => runtime.audit.append(d),
      log,
    });
    core.port = server.port;
    const ready = { ...state, port: server.port, workspace: rt.workspace };
    await updateStateFile(o.home, ready);
    await rt.audit.append({
      sessionId: DAEMON_AUDIT_SESSION,
      principal: "daemon",
      kind: "event",
      summary: `Daemon started (pid ${Deno.pid}, port ${server.port}, ${o.mode})`,
      detail: { type: "daemon_started", pid: Deno.pid, port: server.port, mode: o.mode },
    });

    if (o.mode === "ephemeral") cleanups.push(idleStop(core, graceSecs * 1000, log));
    if (o.handleSignals ?? true) {
      for (const sig of ["SIGTERM", "SIGINT"] as const) {
        const h = () => core.requestStop(sig);
        Deno.addSignalListener(sig, h);
        cleanups.push(() => Deno.removeSignalListener(sig, h));
      }
    }
    if (o.signal !== undefined) {
      const h = () => core.requestStop("aborted");
      if (o.signal.aborted) h();
      o.signal.addEventListener("abort", h, { once: true });
      cleanups.push(() => o.signal!.removeEventListener("abort", h));
    }
    log("info", "daemon listening", { port: server.port, pid: Deno.pid, mode: o.mode });
    o.onReady?.(ready);

    const reason = await core.stopRequested;
    log("info", "daemon stopping", { reason });
    await core.drain(reason);
    await server.shutdown();
    await rt.audit.append({
      sessionId: DAEMON_AUDIT_SESSION,
      principal: "daemon",
      kind: "event",
      summary: `Daemon stopped (${reason})`,
      detail: { type: "daemon_stopped", pid: Deno.pid, reason },
    });
    return 0;
  } finally {
    for (const c of cleanups) c();
    await capsuleTools?.close();
    await rt?.close();
    await removeTokenFile(o.home);
    await releaseStateFile(o.home, Deno.pid);
    log("info", "daemon stopped");
  }
}

/** Claim the state file, replacing a stale one. False (logged) when a live daemon holds it. */
async function claim(home: string, state: DaemonStateFile, log: DaemonLog): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const got = await claimStateFile(home, state);
    if (got.ok) return true;
    const other = got.existing;
    if (other !== undefined && await daemonAlive(other)) {
      log("error", "a daemon is already running", { pid: other.pid, port: other.port });
      return false;
    }
    log("warn", "removing a stale daemon state file", { pid: other?.pid, port: other?.port });
    if (other === undefined) await Deno.remove(daemonPaths(home).state).catch(() => {});
    else await removeStaleStateFile(home, other);
  }
  log("error", "could not claim the daemon state file");
  return false;
}

/** Close turns a killed daemon left open, so their sessions can be resumed. */
async function repairInterrupted(host: AgentHost, workspace: string, log: DaemonLog) {
  for (const meta of await host.sessions.list({ workspace, subagents: false })) {
    if (meta.activeTurn === undefined) continue;
    try {
      const report = await host.resume(meta.id, meta.principal);
      log("info", "repaired a session interrupted mid-turn", {
        sessionId: meta.id,
        interruptedCalls: report.interruptedCalls.length,
        closedDecisions: report.closedDecisions,
      });
    } catch (e) {
      log("warn", "could not repair an interrupted session", {
        sessionId: meta.id,
        error: (e as Error).message,
      });
    }
  }
}

/** Ephemeral mode: stop once no client has been connected for `graceMs`. */
function idleStop(core: DaemonCore, graceMs: number, log: DaemonLog): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      log("info", "no client left: ephemeral daemon stopping", { graceMs: ms });
      core.requestStop("ephemeral: no client connected");
    }, ms);
  };
  arm(Math.max(graceMs, FIRST_CLIENT_WAIT_MS));
  core.onIdle = (idle) => idle ? arm(graceMs) : clearTimeout(timer);
  return () => clearTimeout(timer);
}
