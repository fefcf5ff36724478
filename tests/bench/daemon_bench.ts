/**
 * The daemon's speed, side by side with what it cannot beat:
 *
 * - "rpc": a JSON-RPC round trip (`daemon.status`) through the real daemon
 *   (`runDaemon`, hono on `Deno.serve`, auth, dispatch), against a bare
 *   `Deno.upgradeWebSocket` echo of the same text on loopback. The clients
 *   run in other processes (`tests/daemon/fixtures/bench_client.ts`); one
 *   iteration is 200 sequential round trips per client. Target: the daemon at
 *   least 0.7x the echo's throughput.
 * - "help": `astrid --help` to its first byte of output, spawned with the
 *   `astrid` task's flags, beside a bare `deno run` of a one-line script.
 *   Target: under 200 ms.
 *
 * Run: deno bench -A tests/bench/daemon_bench.ts
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENTRY_POINT, PERMISSION_FLAGS } from "../../scripts/permissions.ts";
import { loadConfig } from "../../src/config/mod.ts";
import { readTokenFile, runDaemon } from "../../src/frontends/daemon/mod.ts";
import { ScriptedLlmProvider } from "../../src/llm/mod.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLIENT = fileURLToPath(new URL("../daemon/fixtures/bench_client.ts", import.meta.url));
const ROUND_TRIPS = 200;

const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-daemon-bench-" }));
const home = join(root, "home");
const workspace = join(root, "ws");
await Deno.mkdir(home, { mode: 0o700 });
await Deno.mkdir(workspace);
const env = { ASTRID_SYSTEM_CONFIG: join(root, "none.toml") };

// The daemon, in this process.
const stop = new AbortController();
let port!: number;
const loaded = await loadConfig({ home, workspace, env, sets: [] });
const ready = new Promise<void>((resolve) => {
  void runDaemon({
    home,
    workspace,
    env,
    loaded,
    mode: "persistent",
    version: "bench",
    writeLog: () => {},
    signal: stop.signal,
    handleSignals: false,
    provider: new ScriptedLlmProvider([]),
    onReady: (s) => {
      port = s.port;
      resolve();
    },
  });
});
await ready;
const token = (await readTokenFile(home))!;

// The floor: a bare WebSocket echo, in this process too.
const echo = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.onmessage = (e) => socket.send(e.data);
  return response;
});

/** A client process that makes round trips on request. */
class Client {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reader: ReadableStreamDefaultReader<string>;

  constructor(url: string, bearer: string, mode: "rpc" | "echo") {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLIENT, url, bearer, mode],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#reader = this.#child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** `n` round trips; resolves when the client reports them done. */
  async run(n: number): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(`${n}\n`));
    const { value } = await this.#reader.read();
    if (value === undefined || !value.startsWith("ok")) throw new Error(`client said ${value}`);
  }

  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

const rpcUrl = `ws://127.0.0.1:${port}/rpc`;
const echoUrl = `ws://127.0.0.1:${echo.addr.port}/`;
const rpc1 = new Client(rpcUrl, token, "rpc");
const echo1 = new Client(echoUrl, "-", "echo");
const rpc8 = Array.from({ length: 8 }, () => new Client(rpcUrl, token, "rpc"));
const echo8 = Array.from({ length: 8 }, () => new Client(echoUrl, "-", "echo"));
// Connected and greeted before anything is timed.
await Promise.all([rpc1, echo1, ...rpc8, ...echo8].map((c) => c.run(1)));

globalThis.addEventListener("unload", () => {
  for (const c of [rpc1, echo1, ...rpc8, ...echo8]) c.kill();
  stop.abort();
  void echo.shutdown();
  try {
    Deno.removeSync(root, { recursive: true });
  } catch {
    // Best effort.
  }
});

Deno.bench(`bare WebSocket echo, 1 client process, ${ROUND_TRIPS} round trips`, {
  group: "rpc1",
  baseline: true,
}, async () => {
  await echo1.run(ROUND_TRIPS);
});

Deno.bench(`daemon JSON-RPC daemon.status, 1 client process, ${ROUND_TRIPS} round trips`, {
  group: "rpc1",
}, async () => {
  await rpc1.run(ROUND_TRIPS);
});

Deno.bench(`bare WebSocket echo, 8 client processes, ${ROUND_TRIPS} round trips each`, {
  group: "rpc8",
  baseline: true,
}, async () => {
  await Promise.all(echo8.map((c) => c.run(ROUND_TRIPS)));
});

Deno.bench(`daemon JSON-RPC daemon.status, 8 client processes, ${ROUND_TRIPS} round trips each`, {
  group: "rpc8",
}, async () => {
  await Promise.all(rpc8.map((c) => c.run(ROUND_TRIPS)));
});

/** Spawn `args` and time it to its first byte on stdout. */
async function firstByte(b: Deno.BenchContext, args: string[]): Promise<void> {
  b.start();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  const first = await reader.read();
  b.end();
  if (first.done) throw new Error(`${args.join(" ")} printed nothing`);
  while (!(await reader.read()).done) {
    // Drain.
  }
  await child.status;
}

const ONE_LINE = join(root, "one_line.ts");
await Deno.writeTextFile(ONE_LINE, 'console.log("x");\n');

Deno.bench("bare deno run of a one-line script, to first byte", {
  group: "help",
  baseline: true,
  n: 20,
  warmup: 2,
}, async (b) => {
  await firstByte(b, ["run", ONE_LINE]);
});

Deno.bench("astrid --help (deno run with the astrid task's flags), to first byte", {
  group: "help",
  n: 20,
  warmup: 2,
}, async (b) => {
  await firstByte(b, ["run", ...PERMISSION_FLAGS, ENTRY_POINT, "--help"]);
});
