/**
 * The daemon as a real process (`deno run` with the `astrid` task's flags):
 * `astrid daemon status|stop` against it, a clean stop on SIGTERM, ephemeral
 * exit, and `kill -9` in the middle of a turn followed by a restart that
 * repairs and resumes the session.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENTRY_POINT, PERMISSION_FLAGS } from "../../scripts/permissions.ts";
import { CapturedIo, runCli } from "../../src/frontends/cli/mod.ts";
import { connectToDaemon, daemonPaths, type DaemonStatus } from "../../src/frontends/daemon/mod.ts";
import type { AuditEntry } from "../../src/security/mod.ts";
import { listAuditEntries, openExistingStateKv } from "../../src/storage/mod.ts";
import { startFakeLlmServer } from "../llm/fake_llm_server.ts";
import { type Dirs, withDirs } from "./_daemon.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

type LogLine = Record<string, unknown> & { msg: string };

const CHILD = fileURLToPath(new URL("./fixtures/daemon_child.ts", import.meta.url));

/** A daemon process and its JSON log lines. */
class DaemonProcess {
  readonly child: Deno.ChildProcess;
  readonly lines: LogLine[] = [];
  readonly #waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  readonly #read: Promise<void>;

  constructor(d: Dirs, args: string[]) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...args],
      cwd: ROOT,
      env: { NO_COLOR: "1", ASTRID_HOME: d.home, ...d.env },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.#read = this.#collect();
  }

  /** `astrid daemon run <args>` under the `astrid` task's permission flags. */
  static astrid(d: Dirs, ...args: string[]): DaemonProcess {
    const cli = [ENTRY_POINT, "--workspace", d.workspace, "daemon", "run", ...args];
    return new DaemonProcess(d, [...PERMISSION_FLAGS, ...cli]);
  }

  /** The same daemon with the fake LLM server at `llmUrl` as its model (see the fixture). */
  static withModel(d: Dirs, llmUrl: string): DaemonProcess {
    return new DaemonProcess(d, [...PERMISSION_FLAGS, CHILD, d.home, d.workspace, llmUrl]);
  }

  async #collect(): Promise<void> {
    let rest = "";
    for await (const chunk of this.child.stderr.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      let i;
      while ((i = rest.indexOf("\n")) >= 0) {
        const text = rest.slice(0, i);
        rest = rest.slice(i + 1);
        let line: LogLine;
        try {
          line = JSON.parse(text);
        } catch {
          line = { msg: `(not JSON) ${text}` };
        }
        this.lines.push(line);
        for (const w of [...this.#waiters]) {
          if (w.pred(line)) {
            this.#waiters.splice(this.#waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    }
  }

  /** The first log line with `msg` (seen or coming). */
  waitFor(msg: string): Promise<LogLine> {
    const seen = this.lines.find((l) => l.msg === msg);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ pred: (l) => l.msg === msg, resolve });
      void this.#read.then(() =>
        reject(
          new Error(`the daemon exited before logging "${msg}": ${JSON.stringify(this.lines)}`),
        )
      );
    });
  }

  /** Wait for the exit; its code. */
  async exit(): Promise<number> {
    const s = await this.child.status;
    await this.#read;
    return s.code;
  }

  /** `kill -9` and reap. */
  async kill9(): Promise<void> {
    this.child.kill("SIGKILL");
    await this.exit();
  }

  /** Make sure it is gone (after a failed test). */
  async reap(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await this.exit();
  }
}

async function cli(d: Dirs, ...args: string[]) {
  const io = new CapturedIo();
  const code = await runCli(args, { io, env: { ASTRID_HOME: d.home, ...d.env }, cwd: d.workspace });
  return { code, out: io.out, err: io.err };
}

async function auditOf(home: string): Promise<AuditEntry[]> {
  const kv = (await openExistingStateKv(home))!;
  try {
    const out: AuditEntry[] = [];
    for await (const e of listAuditEntries(kv)) out.push(e);
    return out;
  } finally {
    kv.close();
  }
}

Deno.test("astrid daemon status and stop work against a daemon process; its logs are JSON lines", async () => {
  await withDirs("", async (d) => {
    const p = DaemonProcess.astrid(d);
    try {
      const ready = await p.waitFor("daemon listening");
      assert.equal(ready.pid, p.child.pid);
      const status = await cli(d, "daemon", "status", "--json");
      assert.equal(status.code, 0, status.err);
      const s = JSON.parse(status.out);
      assert.deepEqual([s.running, s.pid, s.port, s.mode], [
        true,
        p.child.pid,
        ready.port,
        "persistent",
      ]);
      assert.equal(s.auditIntact, true);
      const human = await cli(d, "daemon", "status");
      assert.match(human.out, new RegExp(`running \\(pid ${p.child.pid}, port ${ready.port}`));
      // Under the astrid task's own permission flags (no --allow-all, so /proc is off
      // limits), a live daemon must still be seen as running, not as a stale file.
      const fenced = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          ...PERMISSION_FLAGS,
          new URL(`../../${ENTRY_POINT}`, import.meta.url).pathname,
          "daemon",
          "status",
          "--json",
        ],
        env: { ASTRID_HOME: d.home, ...d.env },
        cwd: d.workspace,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dec = new TextDecoder();
      assert.equal(fenced.code, 0, dec.decode(fenced.stderr));
      assert.equal(JSON.parse(dec.decode(fenced.stdout)).running, true);
      const stop = await cli(d, "daemon", "stop");
      assert.equal(stop.code, 0, stop.err);
      assert.match(stop.out, new RegExp(`stopped \\(pid ${p.child.pid}\\)`));
      assert.equal(await p.exit(), 0);
    } finally {
      await p.reap();
    }
    assert.ok(p.lines.every((l) => typeof l.time === "string" && typeof l.level === "string"));
    assert.ok(p.lines.some((l) => l.msg === "audit chain verified"));
    const after = await cli(d, "daemon", "status");
    assert.deepEqual([after.code, after.out], [1, "daemon: not running\n"]);
    assert.equal((await cli(d, "daemon", "stop")).out, "daemon: not running\n");
    for (const f of Object.values(daemonPaths(d.home))) {
      await assert.rejects(Deno.stat(f), Deno.errors.NotFound);
    }
  });
});

Deno.test("SIGTERM stops the daemon process cleanly and the stop is on the audit record", async () => {
  await withDirs("", async (d) => {
    const p = DaemonProcess.astrid(d);
    await p.waitFor("daemon listening");
    p.child.kill("SIGTERM");
    assert.equal(await p.exit(), 0);
    assert.equal((await p.waitFor("daemon stopping")).reason, "SIGTERM");
    const types = (await auditOf(d.home)).map((e) => e.detail?.type);
    assert.deepEqual(types, ["daemon_started", "daemon_stopped"]);
  });
});

Deno.test("an ephemeral daemon process exits once its last client left", async () => {
  await withDirs("", async (d) => {
    const p = DaemonProcess.astrid(d, "--ephemeral", "--grace-period", "0");
    await p.waitFor("daemon listening");
    const client = await connectToDaemon(d.home, { client: "test" });
    assert.equal((await client.call<DaemonStatus>("daemon.status")).mode, "ephemeral");
    await client.close();
    assert.equal(await p.exit(), 0);
    await p.waitFor("no client left: ephemeral daemon stopping");
  });
});

Deno.test("kill -9 in the middle of a turn, restart: the session is repaired and resumes", async () => {
  await using server = startFakeLlmServer([
    {
      kind: "turn",
      toolCalls: [{
        id: "w1",
        name: "write_file",
        argumentChunks: ['{"path":"out.txt","content":"x"}'],
      }],
    },
    { kind: "turn", text: ["resumed ", "fine"] },
  ]);
  await withDirs("", async (d) => {
    const first = DaemonProcess.withModel(d, server.url);
    let sessionId: string;
    try {
      await first.waitFor("daemon listening");
      const client = await connectToDaemon(d.home, { client: "test" });
      try {
        const { session } = await client.call<{ session: { id: string } }>("session.create");
        sessionId = session.id;
        const asked = Promise.race([
          client.next<{ request: { summary: string[] } }>("approval.requested"),
          client.next<{ event: unknown }>(
            "turn.event",
            (p) => (p.event as { kind: string }).kind === "turn_complete",
          )
            .then((p) => assert.fail(`the turn ended without asking: ${JSON.stringify(p)}`)),
        ]);
        await client.call("turn.send", { sessionId, text: "write out.txt" });
        assert.match((await asked).request.summary.join(" "), /out\.txt/);
        // Mid-turn: the model's call is recorded and waits for a human. Kill -9 now.
        await first.kill9();
      } finally {
        await client.close();
      }
    } finally {
      await first.reap();
    }
    await assert.rejects(Deno.stat(join(d.workspace, "out.txt")), Deno.errors.NotFound);

    const second = DaemonProcess.withModel(d, server.url);
    try {
      await second.waitFor("removing a stale daemon state file");
      const repaired = await second.waitFor("repaired a session interrupted mid-turn");
      assert.equal(repaired.sessionId, sessionId!);
      await second.waitFor("daemon listening");
      const client = await connectToDaemon(d.home, { client: "test" });
      try {
        const resumed = await client.call<
          { session: { turnCount: number; lastTurn: { status: string } } }
        >(
          "session.resume",
          { sessionId: sessionId! },
        );
        assert.equal(resumed.session.turnCount, 1);
        assert.equal(resumed.session.lastTurn.status, "interrupted");
        const { records } = await client.call<
          { records: { body: { kind: string; status?: string } }[] }
        >(
          "session.history",
          { sessionId: sessionId! },
        );
        assert.deepEqual(
          records.map((r) => r.body.kind + (r.body.status ? `:${r.body.status}` : "")),
          ["user", "assistant", "tool_result:interrupted"],
        );
        const done = client.next<{ event: { kind: string; status: string; text: string } }>(
          "turn.event",
          (p) => p.event.kind === "turn_complete",
        );
        await client.call("turn.send", { sessionId: sessionId!, text: "carry on" });
        const end = (await done).event;
        assert.deepEqual([end.status, end.text], ["completed", "resumed fine"]);
        const status = await client.call<DaemonStatus>("daemon.status");
        assert.equal(status.auditIntact, true);
        await client.call("daemon.stop");
      } finally {
        await client.close();
      }
      assert.equal(await second.exit(), 0);
    } finally {
      await second.reap();
    }
    const verify = await cli(d, "audit", "verify");
    assert.equal(verify.code, 0, verify.out + verify.err);
    const entries = (await auditOf(d.home)).filter((e) => e.sessionId === sessionId!);
    const types = entries.map((e) => e.detail?.type);
    // Written by the killed daemon, then by the repair at restart: all on one intact chain.
    assert.deepEqual(types.slice(0, 3), ["session_created", "llm_unpriced", "session_interrupted"]);
  });
});
