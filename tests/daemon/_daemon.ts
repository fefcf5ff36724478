/**
 * Fixtures for daemon tests: the core in-process over a real runtime and
 * agent host (no sockets), and the whole daemon (`runDaemon`) in-process on a
 * real loopback port, in a temp home and workspace.
 *
 * @module
 */

import { join } from "node:path";
import { loadConfig } from "../../src/config/mod.ts";
import { type LlmProvider, ScriptedLlmProvider, type ScriptStep } from "../../src/llm/mod.ts";
import { AgentHost, ApprovalBridge, type ToolHost } from "../../src/runtime/agent/mod.ts";
import { openSecurityRuntime, type SecurityRuntime } from "../../src/runtime/mod.ts";
import {
  ApprovalDesk,
  DaemonApprovalChannel,
  type DaemonConnection,
  DaemonCore,
  type DaemonStateFile,
  type Peer,
  readTokenFile,
  runDaemon,
  type RunDaemonOptions,
  SessionHub,
} from "../../src/frontends/daemon/mod.ts";
import { FileTools } from "../agent/_agent.ts";

/** Temp folders; removed afterwards. */
export interface Dirs {
  readonly root: string;
  readonly home: string;
  readonly workspace: string;
  readonly env: Record<string, string>;
}

/** Make a temp home (with `config`) and workspace, run `fn`, remove them. */
export async function withDirs(config: string, fn: (d: Dirs) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-daemon-" }));
  const home = join(root, "home");
  const workspace = join(root, "ws");
  await Deno.mkdir(home, { mode: 0o700 });
  await Deno.mkdir(workspace);
  await Deno.writeTextFile(join(home, "config.toml"), config);
  try {
    await fn({ root, home, workspace, env: { ASTRID_SYSTEM_CONFIG: join(root, "none.toml") } });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** A reply with `text` and nothing else. */
export function textReply(text: string): ScriptStep[] {
  return [
    { kind: "text_delta", text },
    { kind: "usage", inputTokens: 5, outputTokens: 1 },
    { kind: "stop", reason: "end_turn" },
  ];
}

/** A reply calling one tool. */
export function toolReply(id: string, name: string, args: Record<string, unknown>): ScriptStep[] {
  return [
    { kind: "tool_call_start", id, name },
    { kind: "tool_call_end", id, arguments: args },
    { kind: "stop", reason: "tool_use" },
  ];
}

/** A peer that keeps every frame and answers calls. */
export class TestPeer implements Peer {
  readonly frames: Record<string, unknown>[] = [];
  closedWith: { code: number; reason: string } | undefined;
  conn!: DaemonConnection;
  #nextId = 1;
  readonly #waiters: {
    pred: (f: Record<string, unknown>) => boolean;
    resolve: (f: unknown) => void;
  }[] = [];

  send(text: string): void {
    const f = JSON.parse(text);
    this.frames.push(f);
    for (const w of [...this.#waiters]) {
      if (w.pred(f)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(f);
      }
    }
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  /** Send a request; resolves with the whole reply frame. */
  async request(method: string, params?: unknown): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    const reply = this.frame((f) => f.id === id);
    await this.conn.receive(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return await reply;
  }

  /** Call and return the result; throws the error object when it failed. */
  async call<T = Record<string, unknown>>(method: string, params?: unknown): Promise<T> {
    const f = await this.request(method, params);
    if (f.error) throw Object.assign(new Error((f.error as { message: string }).message), f.error);
    return f.result as T;
  }

  /** The first frame (already received or coming) matching `pred`. */
  frame(pred: (f: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ pred, resolve: resolve as never }));
  }

  /** The first notification `method` whose params match. */
  async notification<T = Record<string, unknown>>(
    method: string,
    match: (p: T) => boolean = () => true,
  ): Promise<T> {
    const f = await this.frame((f) => f.method === method && match(f.params as T));
    return f.params as T;
  }

  /** Params of every notification `method` so far. */
  notifications<T = Record<string, unknown>>(method: string): T[] {
    return this.frames.filter((f) => f.method === method).map((f) => f.params as T);
  }
}

/** The core over a real runtime and agent host. */
export interface CoreFixture extends Dirs {
  readonly rt: SecurityRuntime;
  readonly host: AgentHost;
  readonly hub: SessionHub;
  readonly desk: ApprovalDesk;
  readonly core: DaemonCore;
  readonly tools: FileTools;
  readonly logs: { level: string; msg: string }[];
  /** A connection of `principal` that has said hello (unless `hello` is false). */
  connect(principal?: string, hello?: boolean): Promise<TestPeer>;
}

/** Open the core with a scripted model, run `fn`, stop and close everything. */
export async function withCore(
  o: { scripts?: ScriptStep[][]; provider?: LlmProvider; config?: string; graceMs?: number },
  fn: (f: CoreFixture) => Promise<void>,
): Promise<void> {
  await withDirs(o.config ?? "", async (d) => {
    const hub = new SessionHub();
    const desk = new ApprovalDesk(hub);
    const bridge = new ApprovalBridge();
    const channel = new DaemonApprovalChannel(hub, desk, bridge);
    const rt = await openSecurityRuntime({
      home: d.home,
      workspace: d.workspace,
      env: d.env,
      channel,
    });
    const tools = new FileTools();
    const logs: { level: string; msg: string }[] = [];
    try {
      const host = new AgentHost({
        rt,
        approvals: bridge,
        provider: o.provider ?? new ScriptedLlmProvider(o.scripts ?? []),
        tools,
        model: "test-model",
      });
      const core = new DaemonCore({
        rt,
        host,
        hub,
        desk,
        channel,
        clock: { now: () => Date.now() },
        mode: "persistent",
        version: "test",
        pid: Deno.pid,
        graceMs: o.graceMs ?? 2000,
        log: (level, msg) => logs.push({ level, msg }),
      });
      const connect = async (principal = "local", hello = true) => {
        const peer = new TestPeer();
        peer.conn = core.connect(peer, principal, "127.0.0.1:1");
        if (hello) await peer.call("hello", { protocol: 1, client: `test-${principal}` });
        return peer;
      };
      try {
        await fn({ ...d, rt, host, hub, desk, core, tools, logs, connect });
      } finally {
        await core.drain("test over");
      }
    } finally {
      await rt.close();
    }
  });
}

/** A daemon running in-process on a loopback port. */
export interface DaemonFixture extends Dirs {
  readonly state: DaemonStateFile;
  readonly token: string;
  readonly logs: Record<string, unknown>[];
  /** Stop it and wait for `runDaemon` to return; its exit code. */
  stop(): Promise<number>;
  /** Resolves with the exit code when the daemon stopped by itself. */
  readonly exited: Promise<number>;
}

/** Run `runDaemon` in-process in `dirs` (or fresh ones). */
export async function startDaemon(
  d: Dirs,
  o: Partial<RunDaemonOptions> & { tools?: ToolHost } = {},
): Promise<DaemonFixture> {
  const loaded = await loadConfig({ home: d.home, workspace: d.workspace, env: d.env, sets: [] });
  const abort = new AbortController();
  const logs: Record<string, unknown>[] = [];
  let ready!: (s: DaemonStateFile) => void;
  const readyP = new Promise<DaemonStateFile>((r) => (ready = r));
  const exited = runDaemon({
    home: d.home,
    workspace: d.workspace,
    env: d.env,
    loaded,
    mode: "persistent",
    version: "test",
    writeLog: (line) => logs.push(JSON.parse(line)),
    signal: abort.signal,
    handleSignals: false,
    onReady: ready,
    provider: new ScriptedLlmProvider([]),
    ...o,
  });
  const state = await Promise.race([
    readyP,
    exited.then((code) => {
      throw new Error(`daemon exited with ${code} before it was ready: ${JSON.stringify(logs)}`);
    }),
  ]);
  const token = (await readTokenFile(d.home))!;
  return {
    ...d,
    state,
    token,
    logs,
    exited,
    stop: () => {
      abort.abort();
      return exited;
    },
  };
}

/** A raw HTTP/1.1 request over TCP, so tests control every header (Host included). */
export async function rawRequest(
  port: number,
  target: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers; body: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const head = [
      `GET ${target} HTTP/1.1`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    await conn.write(new TextEncoder().encode(`${head.join("\r\n")}\r\n\r\n`));
    let text = "";
    const buf = new Uint8Array(4096);
    const dec = new TextDecoder();
    for (;;) {
      const split = text.indexOf("\r\n\r\n");
      if (split >= 0) {
        const lines = text.slice(0, split).split("\r\n");
        const h = new Headers();
        for (const l of lines.slice(1)) {
          const i = l.indexOf(":");
          h.append(l.slice(0, i).trim(), l.slice(i + 1).trim());
        }
        const status = Number(lines[0]!.split(" ")[1]);
        const length = Number(h.get("content-length") ?? 0);
        const body = text.slice(split + 4);
        if (status === 101 || new TextEncoder().encode(body).length >= length) {
          return { status, headers: h, body };
        }
      }
      const n = await conn.read(buf);
      if (n === null) throw new Error(`connection closed after ${JSON.stringify(text)}`);
      text += dec.decode(buf.subarray(0, n), { stream: true });
    }
  } finally {
    conn.close();
  }
}

/** Headers of a well-formed upgrade to `port` with `token`. */
export function upgradeHeaders(port: number, token?: string): Record<string, string> {
  return {
    Host: `127.0.0.1:${port}`,
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
    ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}),
  };
}
