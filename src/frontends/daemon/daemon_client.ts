/**
 * A client of the daemon, for the CLI (`daemon status|stop`, a future chat
 * REPL) and tests: opens the WebSocket with the token in the
 * `Authorization` header, says `hello`, then makes calls and delivers
 * notifications (turn events, approval requests) to listeners.
 *
 * ```ts ignore
 * const client = await connectToDaemon(home, { client: "astrid-chat" });
 * client.onNotification((method, params) => render(method, params));
 * const { session } = await client.call("session.create", {});
 * await client.call("turn.send", { sessionId: session.id, text: "hi" });
 * ```
 *
 * @module
 */

import { AstridError } from "../../core/mod.ts";
import { RPC_PATH } from "./check_upgrade.ts";
import { daemonAlive, readStateFile, readTokenFile } from "./daemon_files.ts";
import { PROTOCOL_VERSION, RpcError } from "./protocol.ts";

/** How to connect. */
export interface DaemonClientOptions {
  readonly port: number;
  readonly token: string;
  /** How the client names itself in `hello` (shown in logs and as who answered). */
  readonly client?: string;
  /** The protocol version to ask for (tests of the handshake). */
  readonly protocol?: number;
}

/** What `hello` returned. */
export interface HelloResult {
  readonly protocol: number;
  readonly daemon: string;
  readonly principal: string;
  readonly connectionId: string;
  readonly methods: readonly string[];
}

type Listener = (method: string, params: unknown) => void;

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** One connection to the daemon. */
export class DaemonClient {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<Listener>();
  #nextId = 1;
  #hello: HelloResult | undefined;
  /** Settles when the connection closed, with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (e) => {
        const err = new RpcError(
          -32000,
          `The daemon closed the connection (${e.code} ${e.reason})`,
        );
        for (const p of this.#pending.values()) p.reject(err);
        this.#pending.clear();
        resolve({ code: e.code, reason: e.reason });
      });
    });
    ws.addEventListener("message", (e) => this.#onMessage(e.data));
  }

  /** Open a connection and say hello. Rejects with the daemon's error when it refuses. */
  static async connect(o: DaemonClientOptions): Promise<DaemonClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${o.port}${RPC_PATH}`, {
      headers: { authorization: `Bearer ${o.token}` },
    });
    await new Promise<void>((resolve, reject) => {
      const onOpen = () => {
        ws.removeEventListener("error", onError);
        resolve();
      };
      const onError = () => {
        ws.removeEventListener("open", onOpen);
        reject(
          new AstridError(
            "NOT_FOUND",
            `Cannot connect to the daemon on 127.0.0.1:${o.port} (refused, or the token is wrong)`,
          ),
        );
      };
      ws.addEventListener("open", onOpen, { once: true });
      ws.addEventListener("error", onError, { once: true });
    });
    const client = new DaemonClient(ws);
    try {
      client.#hello = await client.call<HelloResult>("hello", {
        protocol: o.protocol ?? PROTOCOL_VERSION,
        client: o.client ?? "astrid-client",
      });
    } catch (e) {
      await client.close();
      throw e;
    }
    return client;
  }

  /** What the daemon said to `hello`. */
  get hello(): HelloResult {
    return this.#hello!;
  }

  /** Call `method`; rejects with the daemon's {@link RpcError}. */
  call<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.#ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
      } catch (e) {
        this.#pending.delete(id);
        reject(e);
      }
    });
  }

  /** Listen to notifications; returns a function that stops listening. */
  onNotification(fn: Listener): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** The next notification `method` whose params satisfy `match`. */
  next<T = unknown>(method: string, match: (params: T) => boolean = () => true): Promise<T> {
    return new Promise((resolve) => {
      const stop = this.onNotification((m, p) => {
        if (m !== method || !match(p as T)) return;
        stop();
        resolve(p as T);
      });
    });
  }

  /** Close the connection and wait until it is closed. */
  async close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return void await this.closed;
    if (this.#ws.readyState !== WebSocket.CLOSING) this.#ws.close(1000, "bye");
    await this.closed;
  }

  #onMessage(data: unknown): void {
    if (typeof data !== "string") return;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof m.method === "string") {
      for (const l of [...this.#listeners]) {
        try {
          l(m.method, m.params);
        } catch {
          // A listener's failure is its own.
        }
      }
      return;
    }
    const p = typeof m.id === "number" ? this.#pending.get(m.id) : undefined;
    if (p === undefined) return;
    this.#pending.delete(m.id as number);
    const err = m.error as { code: number; message: string; data?: unknown } | undefined;
    if (err !== undefined) p.reject(new RpcError(err.code, err.message, err.data));
    else p.resolve(m.result);
  }
}

/** Where the running daemon is, from the files under `home`. */
export type DaemonLocation =
  | { readonly kind: "running"; readonly pid: number; readonly port: number; readonly mode: string }
  /** Its process lives but it does not listen yet. */
  | { readonly kind: "starting"; readonly pid: number }
  /** The state file names a process that is gone (or a port nobody answers on). */
  | { readonly kind: "stale"; readonly pid: number; readonly port: number }
  | { readonly kind: "none" };

/** Find the daemon `home`'s state file points at. */
export async function locateDaemon(home: string): Promise<DaemonLocation> {
  const s = await readStateFile(home);
  if (s === undefined) return { kind: "none" };
  if (!await daemonAlive(s)) return { kind: "stale", pid: s.pid, port: s.port };
  if (s.port === 0) return { kind: "starting", pid: s.pid };
  return { kind: "running", pid: s.pid, port: s.port, mode: s.mode };
}

/** Connect to the daemon running for `home` (state and token files). */
export async function connectToDaemon(
  home: string,
  o: { client?: string } = {},
): Promise<DaemonClient> {
  const where = await locateDaemon(home);
  if (where.kind !== "running") {
    throw new AstridError(
      "NOT_FOUND",
      where.kind === "none"
        ? `No daemon is running for ${home} (start one with 'astrid daemon run')`
        : where.kind === "starting"
        ? `The daemon (pid ${where.pid}) is still starting; try again in a moment`
        : `The daemon state file names pid ${where.pid}, which is gone (stale state file)`,
    );
  }
  const token = await readTokenFile(home);
  if (token === undefined) {
    throw new AstridError("NOT_FOUND", `The daemon's token file is missing under ${home}`);
  }
  return await DaemonClient.connect({ port: where.port, token, ...o });
}
