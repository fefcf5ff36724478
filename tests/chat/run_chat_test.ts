/**
 * `astrid chat` wiring: option checks, the choice of REPL or printed turn,
 * and the session choice, with a fake backend; plus how chat starts the
 * daemon (the same permission flags as the `astrid` task, never wider).
 */

import assert from "node:assert/strict";
import { PERMISSION_FLAGS } from "../../scripts/permissions.ts";
import { UsageError } from "../../src/core/mod.ts";
import { CapturedIo, type CliContext } from "../../src/frontends/cli/mod.ts";
import type { SessionChoice } from "../../src/frontends/cli/chat/chat_backend.ts";
import { FakeChatBackend, session } from "../../src/frontends/cli/chat/fake_chat_backend.ts";
import { type ChatDeps, runChat } from "../../src/frontends/cli/chat/run_chat.ts";
import {
  astridCommand,
  SOURCE_PERMISSION_FLAGS,
} from "../../src/frontends/cli/chat/self_command.ts";
import { FakeTerminal } from "../../src/frontends/cli/chat/terminal.ts";

function setup(o: { tty?: boolean; stdin?: string; backend?: FakeChatBackend } = {}) {
  const io = new CapturedIo({ isTerminal: o.tty ?? false });
  let code = 0;
  const ctx: CliContext = {
    io,
    env: { ASTRID_HOME: "/nonexistent/astrid-home", NO_COLOR: "1" },
    cwd: "/w",
    setExitCode: (c) => (code = Math.max(code, c)),
  };
  const backend = o.backend ?? new FakeChatBackend({
    turns: [(t) => t.say(`echo: ${t.text}`)],
    sessions: [session("old", { updatedAt: 5 })],
  });
  const opened: SessionChoice[] = [];
  const realOpen = backend.open.bind(backend);
  backend.open = (c) => (opened.push(c), realOpen(c));
  const term = new FakeTerminal();
  let interrupt: (() => void) | undefined;
  const exits: number[] = [];
  const deps: ChatDeps = {
    connect: () => Promise.resolve(backend),
    terminal: () => term,
    stdinIsTerminal: () => o.tty ?? false,
    stdoutIsTerminal: () => o.tty ?? false,
    readStdin: () => Promise.resolve(o.stdin ?? ""),
    onInterrupt: (fn) => {
      interrupt = fn;
      return () => (interrupt = undefined);
    },
    exit: (c) => exits.push(c),
  };
  return {
    io,
    ctx,
    deps,
    backend,
    opened,
    term,
    exits,
    interrupt: () => interrupt?.(),
    code: () => code,
  };
}

Deno.test("--print runs one turn, prints the answer and closes the connection", async () => {
  const s = setup();
  const code = await runChat(s.ctx, { print: "hello", workspace: "/w" }, s.deps);
  assert.equal(code, 0);
  assert.equal(s.io.out, "echo: hello\n");
  assert.deepEqual(s.opened, [{ kind: "new" }]);
  assert.deepEqual(s.backend.sent[0]?.options, { approvals: "defer" });
  assert.equal(s.backend.closed, true);
});

Deno.test("Ctrl-C during --print cancels the turn; a second Ctrl-C leaves with 130", async () => {
  const press = { ctrlC: () => {} };
  const backend = new FakeChatBackend({
    turns: [async (t) => {
      press.ctrlC();
      if (!t.signal.aborted) await new Promise((r) => t.signal.addEventListener("abort", r));
      press.ctrlC();
    }],
  });
  const s = setup({ backend });
  press.ctrlC = s.interrupt;
  assert.equal(await runChat(s.ctx, { print: "long", workspace: "/w" }, s.deps), 1);
  assert.deepEqual(s.backend.cancels.length, 1);
  assert.deepEqual(s.exits, [130]);
  assert.match(s.io.err, /turn cancelled/);
});

Deno.test("piped input is the message when there is no --print", async () => {
  const s = setup({ stdin: "  from a pipe\n" });
  assert.equal(await runChat(s.ctx, { workspace: "/w" }, s.deps), 0);
  assert.equal(s.io.out, "echo: from a pipe\n");
});

Deno.test("--continue and --session choose the session", async () => {
  const a = setup();
  await runChat(a.ctx, { print: "x", continue: true, workspace: "/w" }, a.deps);
  assert.deepEqual(a.opened, [{ kind: "latest" }]);
  assert.equal(a.backend.sent[0]?.sessionId, "old");
  const b = setup();
  await runChat(b.ctx, { print: "x", session: "old", workspace: "/w" }, b.deps);
  assert.deepEqual(b.opened, [{ kind: "resume", id: "old" }]);
});

Deno.test("usage errors: --session with --continue, an empty --print, empty stdin", async () => {
  const s = setup();
  await assert.rejects(
    () => runChat(s.ctx, { session: "a", continue: true, workspace: "/w" }, s.deps),
    (e) =>
      e instanceof UsageError && /--session and --continue cannot be used together/.test(e.message),
  );
  await assert.rejects(
    () => runChat(s.ctx, { print: "  ", workspace: "/w" }, s.deps),
    (e) => e instanceof UsageError && /--print needs a message/.test(e.message),
  );
  await assert.rejects(
    () => runChat(s.ctx, { workspace: "/w" }, s.deps),
    (e) => e instanceof UsageError && /nothing to send: stdin was empty/.test(e.message),
  );
  assert.equal(s.backend.sent.length, 0);
});

Deno.test("with a terminal on both ends chat runs the REPL with a banner naming the session", async () => {
  const s = setup({ tty: true });
  const run = runChat(s.ctx, { workspace: "/w" }, s.deps);
  await new Promise((r) => setTimeout(r, 0));
  s.term.type("/exit\r");
  assert.equal(await run, 0);
  assert.match(s.term.output, /Astrid chat.* · new session s\d+ · fake backend/);
  assert.equal(s.term.raw, false);
  s.term.end();
});

Deno.test("chat starts the daemon with the astrid task's permission flags, never wider", () => {
  assert.deepEqual(SOURCE_PERMISSION_FLAGS, PERMISSION_FLAGS);
  const src = astridCommand(["daemon", "run", "--ephemeral"], {
    execPath: "/usr/bin/deno",
    mainModule: "file:///repo/src/main.ts",
  });
  assert.deepEqual(src, {
    cmd: "/usr/bin/deno",
    args: [
      "run",
      ...PERMISSION_FLAGS,
      "--config",
      "/repo/deno.json",
      "/repo/src/main.ts",
      "daemon",
      "run",
      "--ephemeral",
    ],
  });
  assert.ok(!src.args.includes("--allow-all") && !src.args.includes("-A"));
  const compiled = astridCommand(["daemon", "run"], {
    execPath: "/usr/local/bin/astrid",
    mainModule: "file:///tmp/deno-compile-astrid/src/main.ts",
  });
  assert.deepEqual(compiled, { cmd: "/usr/local/bin/astrid", args: ["daemon", "run"] });
});
