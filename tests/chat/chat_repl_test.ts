/**
 * The chat REPL driven through a fake terminal (key bytes in, screen out)
 * against the in-memory backend: streaming, the approval prompt, Ctrl-C,
 * slash commands, history and multi-line input.
 */

import assert from "node:assert/strict";
import { stripAnsi } from "../../src/frontends/cli/chat/ansi.ts";
import { ChatRepl, type Ticker } from "../../src/frontends/cli/chat/chat_repl.ts";
import type { Clipboard } from "../../src/frontends/cli/chat/clipboard.ts";
import {
  FakeChatBackend,
  type FakeTurn,
  session,
} from "../../src/frontends/cli/chat/fake_chat_backend.ts";
import { InputHistory, memoryHistoryStore } from "../../src/frontends/cli/chat/input_history.ts";
import { FakeTerminal } from "../../src/frontends/cli/chat/terminal.ts";
import { screenOf } from "./_screen.ts";

const DIFF = "--- notes.txt\n+++ notes.txt\n@@ -0,0 +1 @@\n+hello\n";
const ENTER = "\r";
const RIGHT = "\x1b[C";
const UP = "\x1b[A";
const CTRL_C = "\x03";

/**
 * Let everything queued run. The REPL and the fakes work only with promises,
 * and the microtask queue drains completely before a timer fires, so two
 * zero-delay timers see the REPL idle (no real waiting).
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((r) => setTimeout(r, 0));
}

async function harness(turns: FakeTurn[], o: { history?: string[]; columns?: number } = {}) {
  const term = new FakeTerminal(o.columns ?? 80);
  const backend = new FakeChatBackend({ turns, sessions: [session("s1")] });
  const store = memoryHistoryStore(o.history);
  const history = new InputHistory(store);
  await history.load();
  const copied: string[] = [];
  const clipboard: Clipboard = {
    copy: (t) => (copied.push(t), Promise.resolve("test clipboard")),
  };
  const ticks = new Set<() => void>();
  const ticker: Ticker = (fn) => (ticks.add(fn), () => void ticks.delete(fn));
  const repl = new ChatRepl({
    backend,
    terminal: term,
    session: session("s1"),
    history,
    clipboard,
    ticker,
  });
  const done = repl.run();
  await settle();
  return {
    term,
    backend,
    store,
    copied,
    ticks,
    done,
    /** Type each input in its own read, letting the REPL handle it; no input: just settle. */
    async type(...inputs: string[]) {
      for (const i of inputs) {
        term.type(i);
        await settle();
      }
      await settle();
    },
    screen: () => screenOf(term.output, term.width),
    text: () => stripAnsi(term.output),
    async finish(): Promise<number> {
      term.end();
      const code = await done;
      await backend.settled();
      return code;
    },
  };
}

Deno.test("a message is sent and the answer streams as rendered Markdown with a highlighted code block", async () => {
  const h = await harness([async (t) => {
    t.say("Here is **the** code:\n```ts\nconst a = ");
    await Promise.resolve();
    t.say("1; // one\n```\nDone.");
  }]);
  await h.type("show me", ENTER);
  assert.deepEqual(h.backend.sent, [{ sessionId: "s1", text: "show me", options: {} }]);
  assert.deepEqual(h.screen(), [
    "› show me",
    "Here is the code:",
    "┌─ ts [1]",
    "│ const a = 1; // one",
    "└─",
    "Done.",
    "›",
  ]);
  assert.ok(h.term.output.includes("\x1b[1mthe\x1b[22m"), "bold");
  assert.ok(h.term.output.includes("\x1b[35mconst"), "keyword");
  assert.ok(h.term.output.includes("\x1b[90m// one"), "comment");
  assert.equal(await h.finish(), 0);
});

Deno.test("the spinner shows while waiting and is gone once text streams", async () => {
  let release!: () => void;
  const h = await harness([async (t) => {
    await new Promise<void>((r) => (release = r));
    t.say("ok\n");
  }]);
  await h.type("hi", ENTER);
  for (const tick of h.ticks) tick();
  await h.type();
  assert.match(h.screen().at(-1)!, /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] thinking… \(Ctrl-C cancels\)$/);
  release();
  await h.type();
  assert.deepEqual(h.screen(), ["› hi", "ok", "›"]);
  assert.equal(h.ticks.size, 0, "the spinner's timer stopped with the turn");
  await h.finish();
});

Deno.test("the approval prompt shows the diff; arrows and Enter answer Allow Always", async () => {
  let decision: unknown;
  const h = await harness([async (t) => {
    t.emit({
      kind: "tool_started",
      sessionId: t.sessionId,
      agent: "agent",
      callId: "c1",
      tool: "write_file",
      arguments: { path: "notes.txt", content: "hello\n" },
    });
    decision = await t.ask({
      summary: ["Write file: /w/notes.txt"],
      preview: DIFF,
      risk: "medium",
    });
    t.emit({
      kind: "tool_result",
      sessionId: t.sessionId,
      agent: "agent",
      callId: "c1",
      tool: "write_file",
      status: "ok",
      output: "Wrote 6 bytes to notes.txt",
    });
    t.say("Written.\n");
  }]);
  await h.type("write notes", ENTER);
  const screen = h.screen().join("\n");
  assert.match(screen, /⏺ write_file \{"path":"notes.txt","content":"hello\\n"\}/);
  assert.match(screen, /Approval needed {2}risk: MEDIUM {2}requested by agent/);
  assert.match(screen, /Write file: \/w\/notes\.txt/);
  assert.match(screen, /\+hello/);
  assert.match(h.screen().at(-1)!, /^\[Allow Once\] \[Allow Session\] \[Allow Always\] \[Deny\]/);
  await h.type(RIGHT, RIGHT);
  assert.ok(h.term.output.endsWith("") && h.term.output.includes("\x1b[7m\x1b[1m[Allow Always]"));
  await h.type(ENTER);
  assert.equal(decision, "allow_always");
  assert.deepEqual(h.backend.answers.map((a) => a.decision), ["allow_always"]);
  const after = h.screen();
  assert.ok(after.includes("→ Allow Always"), after.join("\n"));
  assert.ok(after.includes("  ⎿ ok: Wrote 6 bytes to notes.txt"));
  assert.deepEqual(after.slice(-2), ["Written.", "›"]);
  assert.ok(!after.some((l) => l.startsWith("[Allow Once]")), "the choices line was replaced");
  await h.finish();
});

Deno.test("number key 4 denies at once; a non-rememberable request offers two choices", async () => {
  const decisions: unknown[] = [];
  const h = await harness([async (t) => {
    decisions.push(
      await t.ask({
        summary: ["Run command: curl x | sh"],
        preview: "$ curl x | sh\n  (in /w)",
        rememberable: false,
        risk: "high",
      }),
    );
    decisions.push(await t.ask({ summary: ["Write file: a"] }));
  }]);
  await h.type("go", ENTER);
  assert.match(h.screen().join("\n"), /\$ curl x \| sh\n {4}\(in \/w\)/);
  assert.match(h.screen().at(-1)!, /^\[Allow Once\] \[Deny\] /);
  await h.type("3"); // not offered: nothing happens
  assert.deepEqual(decisions, []);
  await h.type("2");
  assert.match(h.screen().at(-1)!, /^\[Allow Once\] \[Allow Session\] \[Allow Always\] \[Deny\]/);
  await h.type("4");
  assert.deepEqual(decisions, ["deny", "deny"]);
  await h.finish();
});

Deno.test("Ctrl-C cancels the running turn; a second Ctrl-C exits", async () => {
  const h = await harness([async (t) => {
    t.say("working on it");
    await new Promise((r) => t.signal.addEventListener("abort", r));
    return "cancelled" as const;
  }]);
  await h.type("long job", ENTER);
  await h.type(CTRL_C);
  assert.deepEqual(h.backend.cancels, ["s1"]);
  const screen = h.screen();
  assert.ok(screen.includes("^C cancelling the turn (Ctrl-C again exits)"), screen.join("\n"));
  assert.ok(
    screen.indexOf("working on it") < screen.indexOf("^C cancelling the turn (Ctrl-C again exits)"),
    "the streamed text stays above the notice",
  );
  assert.ok(screen.includes("(turn cancelled)"));
  await h.type(CTRL_C);
  assert.equal(await h.done, 0);
  assert.equal(h.term.raw, false, "the terminal is back in cooked mode");
  await h.finish();
});

Deno.test("Ctrl-C during an approval prompt cancels the turn and withdraws the prompt", async () => {
  let decision: unknown;
  const h = await harness([async (t) => {
    decision = await t.ask({ summary: ["Delete file: x"] });
  }]);
  await h.type("delete x", ENTER);
  await h.type(CTRL_C);
  assert.equal(decision, "cancelled");
  assert.deepEqual(h.backend.answers, []);
  assert.equal(h.screen().at(-1), "›");
  await h.finish();
});

Deno.test("Ctrl-C at an empty prompt warns, twice exits; Ctrl-D exits; any key in between resets", async () => {
  const h = await harness([]);
  await h.type(CTRL_C);
  assert.ok(h.screen().includes("^C (press Ctrl-C again to exit, or type /exit)"));
  await h.type("x", CTRL_C); // clears the line: counts as a first Ctrl-C again
  await h.type("y");
  await h.type(CTRL_C);
  let exited = false;
  void h.done.then(() => (exited = true));
  await h.type();
  assert.equal(exited, false);
  await h.type(CTRL_C);
  assert.equal(await h.done, 0);
  await h.finish();
  const d = await harness([]);
  await d.type("\x04");
  assert.equal(await d.done, 0);
  await d.finish();
});

Deno.test("slash commands run without sending anything to the model; /exit leaves", async () => {
  const h = await harness([(t) => t.say("```sh\nls -la\n```\n")]);
  await h.type("/budget", ENTER);
  assert.match(h.text(), /model usage: +\$0\.0000 of \$5\.0000 per session/);
  await h.type("/bogus", ENTER);
  assert.match(h.text(), /Unknown command "\/bogus"/);
  await h.type("list files", ENTER);
  await h.type("/copy 1", ENTER);
  assert.deepEqual(h.copied, ["ls -la"]);
  assert.deepEqual(h.backend.sent.map((s) => s.text), ["list files"]);
  await h.type("/exit", ENTER);
  assert.equal(await h.done, 0);
  await h.finish();
});

Deno.test("inputs go to the history; Up recalls them", async () => {
  const h = await harness([(t) => t.say("a\n"), (t) => t.say("b\n")], {
    history: ["from last time"],
  });
  await h.type("first question", ENTER);
  await h.type(UP, UP, ENTER);
  assert.deepEqual(h.backend.sent.map((s) => s.text), ["first question", "from last time"]);
  assert.deepEqual(h.store.lines, ["from last time", "first question", "from last time"]);
  await h.finish();
});

Deno.test("multi-line input: a trailing backslash and a paste continue the message", async () => {
  const h = await harness([(t) => t.say("ok\n")]);
  await h.type("line one \\", ENTER);
  assert.equal(h.backend.sent.length, 0);
  assert.deepEqual(h.screen(), ["› line one", "… "].map((l) => l.trimEnd()));
  await h.type("\x1b[200~pasted\nlines\x1b[201~", ENTER);
  assert.deepEqual(h.backend.sent.map((s) => s.text), ["line one \npasted\nlines"]);
  await h.finish();
});

Deno.test("the editor redraws correctly when the input wraps past the right margin", async () => {
  const h = await harness([], { columns: 10 });
  await h.type("abcdefghijkl");
  assert.deepEqual(h.screen(), ["› abcdefgh", "ijkl"]);
  await h.type("\x7f\x7f\x7f\x7f\x7f");
  assert.deepEqual(h.screen(), ["› abcdefg"]);
  await h.finish();
});

Deno.test("a turn started by another client of the session is shown; answers from elsewhere close the prompt", async () => {
  const h = await harness([]);
  await h.type("half typed");
  h.backend.emit({ kind: "turn_started", sessionId: "s1", turnId: "tx", turnNo: 2 });
  h.backend.emit({ kind: "text", sessionId: "s1", agent: "agent", text: "from elsewhere\n" });
  const request = (await import("../../src/frontends/cli/chat/fake_chat_backend.ts"))
    .approvalRequest("r9", "s1");
  h.backend.emit({ kind: "approval_needed", sessionId: "s1", agent: "agent", request });
  h.backend.emit({
    kind: "approval_closed",
    sessionId: "s1",
    requestId: "r9",
    reason: "answered by another client: allow_once",
  });
  h.backend.emit({
    kind: "turn_complete",
    sessionId: "s1",
    turnId: "tx",
    status: "completed",
    steps: 0,
    text: "from elsewhere\n",
  });
  await h.type();
  const screen = h.screen();
  assert.ok(screen.includes("from elsewhere"), screen.join("\n"));
  assert.ok(screen.includes("Approval closed: answered by another client: allow_once"));
  assert.equal(screen.at(-1), "› half typed", "the draft survives");
  await h.finish();
});

Deno.test("model text cannot write escape sequences to the terminal", async () => {
  const h = await harness([(t) => t.say("look \x1b]52;c;cm0gLXJm\x07 \x1b[2J\n")]);
  await h.type("hi", ENTER);
  assert.ok(!h.term.output.includes("\x1b]52"));
  assert.ok(!h.term.output.includes("\x1b[2J"));
  assert.ok(h.screen().includes("look ^[]52;c;cm0gLXJm^G ^[[2J"));
  await h.finish();
});

Deno.test("the end of input ends the REPL (and cancels a running turn)", async () => {
  const h = await harness([async (t) => {
    await new Promise((r) => t.signal.addEventListener("abort", r));
  }]);
  await h.type("x", ENTER);
  assert.equal(await h.finish(), 0);
  assert.deepEqual(h.backend.cancels, ["s1"]);
});
