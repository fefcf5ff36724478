/**
 * The daemon's core: connections, the `hello` handshake, dispatch to the
 * method tables, idle tracking for ephemeral mode, and an orderly stop. It
 * never touches a socket: a connection is handed frames as strings and sends
 * through a {@link Peer}, so tests drive it directly.
 *
 * Per connection, requests are handled concurrently (a client must be able
 * to answer an approval while its `turn.send` waits); replies carry the
 * request's id and may arrive in any order.
 *
 * @module
 */

import type { Clock } from "../../core/mod.ts";
import type { SecurityRuntime } from "../../runtime/mod.ts";
import type { ApprovalDesk } from "./approval_desk.ts";
import type { DaemonApprovalChannel } from "./daemon_approval_channel.ts";
import type { Caller, DaemonStatus, MethodEnv, SessionHost } from "./method_env.ts";
import { DAEMON_METHODS, WHILE_STOPPING } from "./methods/daemon_methods.ts";
import {
  errorMessage,
  notificationMessage,
  parseMessage,
  PROTOCOL_VERSION,
  resultMessage,
  RPC_ERRORS,
  RpcError,
  type RpcId,
} from "./protocol.ts";
import type { SessionHub } from "./session_hub.ts";

/** Where a connection's frames go (a WebSocket in production, an array in tests). */
export interface Peer {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** WebSocket close codes the daemon uses. */
export const CLOSE_CODES = {
  /** The daemon is stopping. */
  goingAway: 1001,
  /** `hello` named another protocol version. */
  protocolMismatch: 4005,
} as const;

/** Notification sent to every client before the daemon closes their connections. */
export const DAEMON_STOPPING = "daemon.stopping";

/** One structured log line. */
export type DaemonLog = (
  level: "info" | "warn" | "error",
  msg: string,
  fields?: Record<string, unknown>,
) => void;

/** What the core is built from. */
export interface DaemonCoreOptions {
  readonly rt: SecurityRuntime;
  readonly host: SessionHost;
  readonly hub: SessionHub;
  readonly desk: ApprovalDesk;
  readonly channel: DaemonApprovalChannel;
  readonly clock: Clock;
  readonly mode: "persistent" | "ephemeral";
  readonly version: string;
  readonly pid: number;
  /** How long a stop waits for cancelled turns to finish. */
  readonly graceMs: number;
  readonly log: DaemonLog;
}

/** The daemon, minus its sockets. */
export class DaemonCore {
  readonly #o: DaemonCoreOptions;
  readonly #connections = new Set<DaemonConnection>();
  readonly #startedAt: number;
  #nextId = 1;
  #stopping: string | undefined;
  #stopRequested!: (reason: string) => void;
  /** Resolves with the reason once something asked the daemon to stop. */
  readonly stopRequested: Promise<string>;
  /** Set by the shell once it listens. */
  port = 0;
  /** Called when the last connection closes, and when a first one opens (ephemeral mode). */
  onIdle: (idle: boolean) => void = () => {};

  constructor(o: DaemonCoreOptions) {
    this.#o = o;
    this.#startedAt = o.clock.now();
    this.stopRequested = new Promise((resolve) => (this.#stopRequested = resolve));
    o.hub.onDeserted = (s) => {
      o.channel.deserted(s.id);
      o.desk.withdrawSession(s.id, "no client is attached any more");
    };
  }

  /** True once a stop began: new connections and new work are refused. */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /** Open connections. */
  get connections(): number {
    return this.#connections.size;
  }

  /** A new authenticated connection of `principal` from `remote`. */
  connect(peer: Peer, principal: string, remote: string): DaemonConnection {
    const conn = new DaemonConnection(this, this.#o, peer, `c${this.#nextId++}`, principal, remote);
    this.#connections.add(conn);
    if (this.#connections.size === 1) this.onIdle(false);
    return conn;
  }

  /** @internal The connection closed. */
  closed(conn: DaemonConnection): void {
    if (!this.#connections.delete(conn)) return;
    this.#o.hub.detachAll(conn);
    if (this.#connections.size === 0) this.onIdle(true);
  }

  /** Ask the daemon to stop; the shell awaits {@link stopRequested} and calls {@link drain}. */
  requestStop(reason: string): void {
    this.#stopRequested(reason);
  }

  /** What `daemon.status` reports. */
  status(): DaemonStatus {
    const o = this.#o;
    const live = o.hub.all();
    return {
      pid: o.pid,
      port: this.port,
      mode: o.mode,
      protocol: PROTOCOL_VERSION,
      version: o.version,
      startedAt: this.#startedAt,
      uptimeMs: o.clock.now() - this.#startedAt,
      workspace: o.rt.workspace,
      clients: this.#connections.size,
      liveSessions: live.length,
      runningTurns: live.filter((s) => s.turn !== undefined).length,
      pendingApprovals: live.reduce((n, s) => n + o.desk.pending(s.principal, s.id).length, 0),
      auditIntact: o.rt.auditIntact,
      shuttingDown: this.stopping,
    };
  }

  /**
   * Stop taking work, cancel running turns and wait for them (at most the
   * grace period), then tell every client and close their connections.
   * Approvals still waiting are withdrawn, so the interceptor queues them.
   */
  async drain(reason: string): Promise<void> {
    if (this.#stopping !== undefined) return;
    this.#stopping = reason;
    const o = this.#o;
    const turns = o.hub.all().flatMap((s) => (s.turn ? [s.turn] : []));
    for (const t of turns) t.cancel(`the daemon is stopping (${reason})`);
    for (const s of o.hub.all()) o.channel.deserted(s.id);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), o.graceMs)));
    const finished = await Promise.race([
      Promise.all(turns.map((t) => t.done)).then(() => true),
      grace,
    ]);
    clearTimeout(timer);
    if (!finished) o.log("warn", "turns still running after the grace period", { reason });
    o.desk.withdrawAll("the daemon is stopping");
    const note = notificationMessage(DAEMON_STOPPING, { reason });
    for (const c of [...this.#connections]) {
      c.send(note);
      c.close(CLOSE_CODES.goingAway, "daemon stopping");
    }
  }
}

/** One client connection. */
export class DaemonConnection implements Caller {
  readonly id: string;
  readonly principal: string;
  readonly remote: string;
  client = "unknown";
  readonly #core: DaemonCore;
  readonly #peer: Peer;
  readonly #env: MethodEnv;
  #hello = false;
  #open = true;

  constructor(
    core: DaemonCore,
    o: DaemonCoreOptions,
    peer: Peer,
    id: string,
    principal: string,
    remote: string,
  ) {
    this.#core = core;
    this.#peer = peer;
    this.id = id;
    this.principal = principal;
    this.remote = remote;
    this.#env = {
      rt: o.rt,
      host: o.host,
      hub: o.hub,
      desk: o.desk,
      caller: this,
      clock: o.clock,
      status: () => core.status(),
      requestStop: (r) => core.requestStop(r),
      log: o.log,
    };
  }

  /** Send a frame unless the connection is closed. Never throws. */
  send(text: string): void {
    if (!this.#open) return;
    try {
      this.#peer.send(text);
    } catch {
      // The socket closed under us; `closed()` follows.
    }
  }

  /** Close from the daemon's side. */
  close(code: number, reason: string): void {
    if (!this.#open) return;
    try {
      this.#peer.close(code, reason);
    } catch {
      // Already closing.
    }
    this.closed();
  }

  /** The socket closed. */
  closed(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#core.closed(this);
  }

  /** Handle one frame; resolves once its reply (if any) is sent. */
  async receive(text: string): Promise<void> {
    const msg = parseMessage(text);
    if (msg.kind === "response") return;
    if (msg.kind === "invalid") return this.send(errorMessage(msg.id, msg.error));
    const id: RpcId = msg.kind === "request" ? msg.id : null;
    const reply = msg.kind === "request";
    try {
      const result = this.#hello
        ? await this.#dispatch(msg.method, msg.params)
        : this.#greet(msg.method, msg.params);
      if (reply) this.send(resultMessage(id, result));
    } catch (e) {
      if (!(e instanceof RpcError)) {
        this.#env.log("error", "method failed", {
          method: msg.method,
          error: e instanceof Error ? e.stack ?? e.message : String(e),
        });
      }
      if (reply) this.send(errorMessage(id, e));
      if (e instanceof RpcError && e.code === RPC_ERRORS.protocolMismatch) {
        this.close(CLOSE_CODES.protocolMismatch, "protocol version mismatch");
      }
    }
  }

  #dispatch(method: string, params: Readonly<Record<string, unknown>>): unknown {
    if (method === "hello") {
      throw new RpcError(
        RPC_ERRORS.invalidRequest,
        "hello was already received on this connection",
      );
    }
    const fn = DAEMON_METHODS.get(method);
    if (fn === undefined) {
      throw new RpcError(RPC_ERRORS.methodNotFound, `Unknown method "${method}"`);
    }
    if (this.#core.stopping && !WHILE_STOPPING.has(method)) {
      throw new RpcError(RPC_ERRORS.shuttingDown, "The daemon is stopping and takes no new work");
    }
    return fn(this.#env, params);
  }

  #greet(method: string, params: Readonly<Record<string, unknown>>): unknown {
    if (method !== "hello") {
      throw new RpcError(
        RPC_ERRORS.unauthorized,
        `Say hello first: {"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocol":${PROTOCOL_VERSION}}}`,
      );
    }
    const asked = params.protocol;
    if (asked !== PROTOCOL_VERSION) {
      throw new RpcError(
        RPC_ERRORS.protocolMismatch,
        `Protocol version mismatch: this daemon speaks Astrid protocol ${PROTOCOL_VERSION}, ` +
          `the client asked for ${
            JSON.stringify(asked ?? null)
          }; use an astrid client and daemon ` +
          "of the same release",
        { supported: [PROTOCOL_VERSION] },
      );
    }
    const client = params.client;
    if (typeof client === "string" && /^[\x21-\x7e]{1,64}$/.test(client)) this.client = client;
    this.#hello = true;
    const status = this.#core.status();
    return {
      protocol: PROTOCOL_VERSION,
      daemon: status.version,
      principal: this.principal,
      connectionId: this.id,
      methods: [...DAEMON_METHODS.keys()],
    };
  }
}
