/**
 * End to end in a real pseudo-terminal: `astrid chat` runs in tmux (keys
 * with `send-keys`, the screen with `capture-pane`) as a real process under
 * the `astrid` task's permission flags; it starts the real daemon
 * (`astrid daemon run --ephemeral`), whose model is the fake LLM server.
 *
 * The model proposes `write_file` three times. The approval prompt shows the
 * diff; Deny leaves no file and the audit log records the denial; Allow
 * Always (chosen with the arrow keys) writes the file, and the identical
 * third request runs without asking. Without a terminal (`--print`), the
 * same proposal is deferred to the queue and listed, never approved.
 *
 * Reaching the fake server: `[llm] base_url` cannot name a loopback address
 * today (the config's URL check wants a domain name), and the provider sends
 * no key over plain http except to loopback. So base_url names
 * `http://fake-llm.test`, there is no API key, and the daemon's fetch
 * reaches the fake server as its HTTP proxy (`HTTP_PROXY`; the daemon's own
 * loopback WebSocket is exempt through `NO_PROXY`).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PERMISSION_FLAGS } from "../../scripts/permissions.ts";
import type { AuditEntry } from "../../src/security/mod.ts";
import { listAuditEntries, openKvFile, stateKvPath } from "../../src/storage/mod.ts";
import { type FakeReply, startFakeLlmServer } from "../llm/fake_llm_server.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CONTENT = "hello from astrid\n";
const CHOICES = "[Allow Once] [Allow Session] [Allow Always] [Deny]";

const writeCall = (id: string): FakeReply => ({
  kind: "turn",
  toolCalls: [{
    id,
    name: "write_file",
    argumentChunks: [JSON.stringify({ path: "notes.txt", content: CONTENT })],
  }],
});

async function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

/** A tmux server of our own (its own socket), with one window running `command`. */
async function tmuxSession(command: string) {
  const socket = `astrid-chat-e2e-${crypto.randomUUID().slice(0, 8)}`;
  const tmux = (...args: string[]) => run("tmux", ["-L", socket, ...args]);
  const started = await tmux("new-session", "-d", "-s", "chat", "-x", "110", "-y", "50", command);
  assert.equal(started.code, 0, `tmux did not start: ${started.out}`);
  const screen = async () => (await tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "chat")).out;
  return {
    screen,
    /** Type literal text (no key names). */
    type: (text: string) => tmux("send-keys", "-t", "chat", "-l", text),
    /** Press named keys (Enter, Right, C-c). */
    press: (...keys: string[]) => tmux("send-keys", "-t", "chat", ...keys),
    /** Wait until the screen satisfies `pred`; fails with the screen after `ms`. */
    async waitFor(what: string, pred: (s: string) => boolean, ms = 20_000): Promise<string> {
      const deadline = Date.now() + ms;
      for (;;) {
        const s = await screen();
        if (pred(s)) return s;
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; screen:\n${s}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    kill: () => tmux("kill-server"),
  };
}

const count = (s: string, needle: string) => s.split(needle).length - 1;
const lastLine = (s: string) => s.trimEnd().split("\n").at(-1) ?? "";
/** The REPL is idle: the last non-empty line is the empty prompt. */
const idle = (s: string) => lastLine(s) === "›";
/** The approval prompt waits for a choice (the choices are the live last line). */
const asking = (s: string) => lastLine(s).startsWith(CHOICES);

Deno.test("astrid chat in a real terminal: the diff is shown, Deny writes nothing and is audited, Allow Always stops the asking", async () => {
  const tmuxCheck = await run("tmux", ["-V"]).catch(() => ({ code: -1, out: "" }));
  assert.equal(tmuxCheck.code, 0, "this test needs tmux: apt-get install -y tmux");

  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid_chat_e2e_" }));
  try {
    await scenario(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** The three requests, in `root`. */
/** A home whose model is the fake server (reached as the HTTP proxy), and a workspace. */
async function prepare(root: string, replies: readonly FakeReply[]) {
  const home = join(root, "home");
  const ws = join(root, "ws");
  await Deno.mkdir(home, { mode: 0o700 });
  await Deno.mkdir(ws);
  await Deno.writeTextFile(
    join(home, "config.toml"),
    [
      "[llm]",
      'provider = "anthropic"',
      'model = "test-model"',
      'base_url = "http://fake-llm.test"',
      '[llm.prices."test-model"]',
      "input_per_mtok = 1.0",
      "output_per_mtok = 1.0",
      "[daemon]",
      "grace_period_secs = 1",
      "",
    ].join("\n"),
  );
  const server = startFakeLlmServer(replies);
  const env: Record<string, string> = {
    ASTRID_HOME: home,
    ASTRID_SYSTEM_CONFIG: join(root, "no-system.toml"),
    HTTP_PROXY: server.url,
    NO_PROXY: "127.0.0.1,localhost",
    TERM: "xterm-256color",
  };
  return { home, ws, server, env };
}

/** Wait until the ephemeral daemon (a second of grace after its last client) removed its state file. */
async function daemonGone(home: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      await Deno.stat(join(home, "daemon.json"));
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every audit entry, read from the state file once the daemon has stopped. */
async function auditOf(home: string): Promise<AuditEntry[]> {
  const kv = await openKvFile(stateKvPath(home));
  const entries: AuditEntry[] = [];
  try {
    for await (const e of listAuditEntries(kv, {})) entries.push(e);
  } finally {
    kv.close();
  }
  return entries;
}

/** The three requests, in `root`. */
async function scenario(root: string): Promise<void> {
  const { home, ws, server, env: vars } = await prepare(root, [
    writeCall("call-1"),
    { kind: "turn", text: ["The write was **denied**."] },
    writeCall("call-2"),
    { kind: "turn", text: ["Written."] },
    writeCall("call-3"),
    { kind: "turn", text: ["Written again."] },
  ]);
  const env = Object.entries(vars).map(([k, v]) => `${k}=${v}`);
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const command = [
    "cd",
    quote(ROOT),
    "&&",
    "env -u ANTHROPIC_API_KEY -u OPENAI_API_KEY",
    ...env.map(quote),
    quote(Deno.execPath()),
    "run",
    ...PERMISSION_FLAGS.map(quote),
    "src/main.ts",
    "--workspace",
    quote(ws),
    "chat;",
    'echo "ASTRID-EXITED $?"; sleep 600',
  ].join(" ");
  const t = await tmuxSession(command);
  try {
    await t.waitFor("the prompt", (s) => s.includes("Astrid chat") && idle(s), 30_000);

    // 1. Deny: the prompt shows the diff; nothing is written; the audit log has the denial.
    await t.type("write notes");
    await t.press("Enter");
    let s = await t.waitFor("the approval prompt", asking);
    assert.match(s, /Approval needed {2}risk: MEDIUM/);
    assert.match(s, /Write file: .*notes\.txt/);
    assert.match(s, /--- a\/notes\.txt/);
    assert.match(s, /\+\+\+ b\/notes\.txt/);
    assert.match(s, /^ {2}\+hello from astrid$/m);
    await t.type("4");
    s = await t.waitFor(
      "the answer after Deny",
      (s) => s.includes("The write was denied.") && idle(s),
    );
    assert.match(s, /→ Deny/);
    assert.match(s, /⎿ denied:/);
    await assert.rejects(() => Deno.stat(join(ws, "notes.txt")), Deno.errors.NotFound);
    await t.type("/audit");
    await t.press("Enter");
    s = await t.waitFor(
      "the audit entries",
      (s) => /decision deny +Write file: .*notes\.txt/.test(s),
    );
    assert.match(s, /decision deny +Write file: .*notes\.txt \(Deny by /);

    // 2. Allow Always, chosen with the arrow keys: the file is written.
    await t.type("write notes");
    await t.press("Enter");
    await t.waitFor(
      "the second approval prompt",
      (s) => count(s, "Approval needed") === 2 && asking(s),
    );
    await t.press("Right", "Right");
    await t.press("Enter");
    s = await t.waitFor("the answer after Allow Always", (s) => s.includes("Written.") && idle(s));
    assert.match(s, /→ Allow Always/);
    assert.equal(await Deno.readTextFile(join(ws, "notes.txt")), CONTENT);

    // 3. The identical request again: no prompt.
    await t.type("write notes");
    await t.press("Enter");
    s = await t.waitFor("the third answer", (s) => s.includes("Written again.") && idle(s));
    assert.equal(count(s, "Approval needed"), 2, "the third identical request did not ask");
    assert.equal(count(s, "⎿ ok: Wrote 18 bytes to notes.txt"), 2);

    await t.type("/exit");
    await t.press("Enter");
    await t.waitFor("chat to exit", (s) => s.includes("ASTRID-EXITED 0"));
  } finally {
    await t.kill();
    await daemonGone(home);
    await server.close();
  }
  assert.equal(server.requests.length, 6, "two model calls per turn, three turns");
  const writes = (await auditOf(home)).filter((e) =>
    e.kind === "decision" && (e.summary ?? "").includes("notes.txt")
  );
  assert.deepEqual(
    writes.map((e) => [e.decision, e.proof?.approval?.decision ?? e.proof?.via]),
    [["deny", "deny"], ["allow", "allow_always"], ["allow", "token"]],
    JSON.stringify(writes, null, 1),
  );
}

Deno.test("astrid chat --print without a terminal defers the approval, lists it, exits 3 and writes nothing", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid_chat_e2e_" }));
  try {
    const { home, ws, server, env } = await prepare(root, [
      writeCall("call-1"),
      { kind: "turn", text: ["The write is **waiting** for your approval."] },
    ]);
    let r: Deno.CommandOutput;
    try {
      r = await new Deno.Command("env", {
        args: [
          "-u",
          "ANTHROPIC_API_KEY",
          "-u",
          "OPENAI_API_KEY",
          Deno.execPath(),
          "run",
          ...PERMISSION_FLAGS,
          "src/main.ts",
          "--workspace",
          ws,
          "chat",
          "--print",
          "write notes",
        ],
        cwd: ROOT,
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    } finally {
      await daemonGone(home);
      await server.close();
    }
    const out = new TextDecoder().decode(r.stdout);
    const err = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 3, err);
    assert.equal(
      out,
      "The write is **waiting** for your approval.\n",
      "the answer, as written, on stdout",
    );
    assert.match(
      err,
      /Deferred 1 approval request\(s\): nobody was there to answer, so nothing was approved\./,
    );
    const id = /^ {2}([0-9a-f]+) {2}medium {2}Write file: .*notes\.txt {2}\(pending\)$/m.exec(err)
      ?.[1];
    assert.ok(id, err);
    await assert.rejects(() => Deno.stat(join(ws, "notes.txt")), Deno.errors.NotFound);
    const entries = await auditOf(home);
    assert.ok(
      entries.some((e) => e.decision === "defer" && (e.summary ?? "").includes("notes.txt")),
      JSON.stringify(entries.map((e) => [e.kind, e.decision, e.summary])),
    );
    assert.ok(
      !entries.some((e) => e.decision === "allow" && (e.summary ?? "").includes("notes.txt")),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
