import assert from "node:assert/strict";
import { EXIT_DEFERRED, printTurn } from "./print_turn.ts";
import { FakeChatBackend, type FakeTurn } from "./fake_chat_backend.ts";

async function print(turn: FakeTurn, color = false, signal?: AbortSignal) {
  const backend = new FakeChatBackend({ turns: [turn] });
  let out = "";
  let err = "";
  const code = await printTurn({
    backend,
    sessionId: "s1",
    text: "do it",
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    color,
    ...(signal ? { signal } : {}),
  });
  await backend.settled();
  return { code, out, err, backend };
}

Deno.test("--print sends one turn and prints the answer as the model wrote it when piped", async () => {
  const r = await print((t) => {
    t.say("# Result\n\nAll **good**");
  });
  assert.equal(r.code, 0);
  assert.equal(r.out, "# Result\n\nAll **good**\n");
  assert.equal(r.err, "");
  assert.deepEqual(r.backend.sent, [{
    sessionId: "s1",
    text: "do it",
    options: { approvals: "defer" },
  }]);
});

Deno.test("--print renders Markdown when stdout is a terminal", async () => {
  const r = await print((t) => t.say("All **good**\n"), true);
  assert.equal(r.out, "All \x1b[1mgood\x1b[22m\n");
});

Deno.test("--print defers approvals instead of answering them, lists them and exits 3", async () => {
  const r = await print(async (t) => {
    t.emit({
      kind: "tool_started",
      sessionId: t.sessionId,
      agent: "agent",
      callId: "c1",
      tool: "write_file",
      arguments: { path: "a.txt" },
    });
    const d = await t.ask({ summary: ["Write file: /w/a.txt"], risk: "medium" });
    t.emit({
      kind: "tool_result",
      sessionId: t.sessionId,
      agent: "agent",
      callId: "c1",
      tool: "write_file",
      status: "deferred",
      output: `queued (${d})`,
    });
    t.say("I could not write it yet.");
  });
  assert.equal(r.code, EXIT_DEFERRED);
  assert.deepEqual(r.backend.answers, [], "nothing was answered");
  assert.equal(r.backend.deferred.length, 1);
  assert.equal(r.out, "I could not write it yet.\n");
  assert.match(r.err, /⏺ write_file \{"path":"a.txt"\}/);
  assert.match(r.err, /⎿ deferred: queued \(deferred\)/);
  assert.match(
    r.err,
    /Deferred 1 approval request\(s\): nobody was there to answer, so nothing was approved\./,
  );
  assert.match(r.err, /r\d+ {2}medium {2}Write file: \/w\/a\.txt {2}\(pending\)/);
  assert.match(r.err, /astrid approvals allow\|deny ID/);
  assert.ok(!r.err.includes("\x1b["), "no colours on a pipe");
});

Deno.test("--print exits 1 when the turn does not complete, and Ctrl-C cancels it", async () => {
  const failed = await print(() => Promise.resolve("budget_exceeded" as const));
  assert.equal(failed.code, 1);
  assert.match(failed.err, /budget is spent/);
  const abort = new AbortController();
  const r = print(
    async (t) => {
      t.say("partial");
      abort.abort();
      if (!t.signal.aborted) await new Promise((res) => t.signal.addEventListener("abort", res));
    },
    false,
    abort.signal,
  );
  const { code, out, err, backend } = await r;
  assert.equal(code, 1);
  assert.equal(out, "partial\n");
  assert.match(err, /turn cancelled/);
  assert.deepEqual(backend.cancels, ["s1"]);
});
