/**
 * Spawning `fixtures/append_child.ts` and reading its committed `<seq> <id>` lines.
 *
 * @module
 */

import { fileURLToPath as fromFileUrl } from "node:url";

const ROOT = fromFileUrl(new URL("../../", import.meta.url));
const CHILD = fromFileUrl(new URL("./fixtures/append_child.ts", import.meta.url));

/** A running child: its committed entries so far, and how to stop it. */
export class AppendChild {
  readonly committed = new Map<number, string>();
  readonly #child: Deno.ChildProcess;
  readonly #done: Promise<void>;
  #stderr = "";
  #onLine: (() => void)[] = [];
  #ready!: () => void;
  readonly ready: Promise<void>;

  constructor(kvPath: string, seedByte: number, label: string, count: number, inflight: number) {
    this.ready = new Promise((r) => (this.#ready = r));
    this.#child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--config",
        `${ROOT}deno.json`,
        "--unstable-kv",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        CHILD,
        kvPath,
        String(seedByte),
        label,
        String(count),
        String(inflight),
      ],
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#done = Promise.all([this.#readLines(), this.#readErr()]).then(() => {});
  }

  /** Let it start appending. */
  async go(): Promise<void> {
    const w = this.#child.stdin.getWriter();
    await w.write(new TextEncoder().encode("go\n"));
    await w.close();
  }

  /** Resolve once at least `n` entries are committed (or the child ended). */
  async waitFor(n: number): Promise<void> {
    while (this.committed.size < n) {
      const ended = await Promise.race([
        new Promise<false>((r) => this.#onLine.push(() => r(false))),
        this.#done.then(() => true),
      ]);
      if (ended) break;
    }
  }

  /** SIGKILL: no cleanup, no flush, mid-commit if it happens to be. */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch (e) {
      if (!(e instanceof TypeError)) throw e; // already exited
    }
  }

  /** Wait for the exit and for the last lines it wrote before dying. */
  async finished(): Promise<Deno.CommandStatus & { stderr: string }> {
    await this.#done;
    const status = await this.#child.status;
    return { ...status, stderr: this.#stderr };
  }

  async #readLines(): Promise<void> {
    let buf = "";
    for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === "ready") {
          this.#ready();
          continue;
        }
        const [seq, id] = line.split(" ");
        this.committed.set(Number(seq), id!);
      }
      const waiting = this.#onLine;
      this.#onLine = [];
      for (const f of waiting) f();
    }
    this.#ready(); // never hang a test on a child that died before "ready"
  }

  async #readErr(): Promise<void> {
    for await (const chunk of this.#child.stderr.pipeThrough(new TextDecoderStream())) {
      this.#stderr += chunk;
    }
  }
}
