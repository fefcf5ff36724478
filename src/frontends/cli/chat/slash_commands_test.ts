import assert from "node:assert/strict";
import type { AuditEntry } from "../../../security/mod.ts";
import { stripAnsi } from "./ansi.ts";
import type { Clipboard } from "./clipboard.ts";
import { approvalRequest, FakeChatBackend, session } from "./fake_chat_backend.ts";
import { codeBlocksOf } from "./render_markdown.ts";
import { parseSlash, runSlash, type SlashContext } from "./slash_commands.ts";

function clipboard(): Clipboard & { copied: string[] } {
  const copied: string[] = [];
  return {
    copied,
    copy(text) {
      copied.push(text);
      return Promise.resolve("test clipboard");
    },
  };
}

function entry(seq: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    seq,
    id: String(seq).padStart(32, "0"),
    time: 1_767_225_600_000 + seq * 1000,
    sessionId: "s1",
    principal: "local",
    kind: "decision",
    prevHash: "0".repeat(64),
    hash: "1".repeat(64),
    ...over,
  };
}

async function run(
  text: string,
  over: Partial<SlashContext> = {},
  backend = new FakeChatBackend(),
) {
  const parsed = parseSlash(text);
  if (!parsed.ok) throw new Error(parsed.message);
  const r = await runSlash(parsed.command, {
    backend,
    sessionId: "s1",
    lastAnswer: undefined,
    clipboard: clipboard(),
    ...over,
  });
  return { ...r, plain: stripAnsi(r.output) };
}

Deno.test("parseSlash() knows every command and rejects bad arguments with the value quoted", async (t) => {
  const ok: [string, unknown][] = [
    ["/help", { name: "help" }],
    ["/sessions", { name: "sessions" }],
    ["/budget", { name: "budget" }],
    ["/approvals", { name: "approvals" }],
    ["/audit", { name: "audit", limit: 10 }],
    ["/audit 25", { name: "audit", limit: 25 }],
    ["/copy", { name: "copy" }],
    ["/copy 2", { name: "copy", block: 2 }],
    ["/cancel", { name: "cancel" }],
    ["/exit", { name: "exit" }],
    ["/quit", { name: "exit" }],
    ["  /EXIT  ", { name: "exit" }],
  ];
  for (const [text, command] of ok) {
    await t.step(text, () => assert.deepEqual(parseSlash(text), { ok: true, command }));
  }
  const bad: [string, RegExp][] = [
    ["/copy x", /\/copy takes a code block number \(1, 2, \.\.\.\), got "x"/],
    ["/copy 0", /got "0"/],
    ["/audit 9999", /\/audit takes a number from 1 to 500, got "9999"/],
    ["/budget now", /\/budget takes no arguments, got "now"/],
    ["/sesions", /Unknown command "\/sesions" \(did you mean \/sessions\?\)/],
    ["/", /Unknown command "\/"/],
  ];
  for (const [text, message] of bad) {
    await t.step(text, () => {
      const r = parseSlash(text);
      assert.equal(r.ok, false);
      assert.match((r as { message: string }).message, message);
    });
  }
});

Deno.test("/help lists every command and how to enter several lines", async () => {
  const r = await run("/help");
  for (
    const c of [
      "/help",
      "/sessions",
      "/budget",
      "/approvals",
      "/audit",
      "/copy",
      "/cancel",
      "/exit",
    ]
  ) {
    assert.ok(r.plain.includes(c), c);
  }
  assert.match(r.plain, /End a line with \\/);
});

Deno.test("/sessions marks the current session and shows a running turn", async () => {
  const backend = new FakeChatBackend({
    sessions: [
      session("s1", { updatedAt: 2, title: "fix \x1b[2J tests" }),
      session("s2", { updatedAt: 1, runningTurnId: "t9", spentUsd: 0.5 }),
    ],
  });
  const r = await run("/sessions", {}, backend);
  const lines = r.plain.trim().split("\n");
  assert.match(lines[0]!, /^\* s1 .* fix \^\[\[2J tests$/);
  assert.match(lines[1]!, /^ {2}s2 .*\$0\.5000 {2}\(turn running\)$/);
});

Deno.test("/budget shows spending against the limits", async () => {
  const backend = new FakeChatBackend({ budget: { llmSpentUsd: 0.25, sessionLimitUsd: 5 } });
  const r = await run("/budget", {}, backend);
  assert.match(r.plain, /model usage: +\$0\.2500 of \$5\.0000 per session/);
  assert.match(r.plain, /no workspace limit/);
});

Deno.test("/approvals lists live and queued requests, naming other sessions", async () => {
  const queued = [{
    request: approvalRequest("q1", "s2", { summary: ["Run command: rm -rf build"], risk: "high" }),
    expiresAt: 2e12,
    status: "pending" as const,
  }];
  const backend = new FakeChatBackend({ queued });
  assert.equal((await run("/approvals")).plain, "No approval requests are waiting.\n");
  const r = await run("/approvals", {}, backend);
  assert.match(r.plain, /Queued \(answer with 'astrid approvals allow\|deny ID'\):/);
  assert.match(r.plain, /q1 {2}pending {2}high {2}Run command: rm -rf build \(session s2\)/);
});

Deno.test("/audit shows this session's newest entries with decision and who approved", async () => {
  const backend = new FakeChatBackend({
    audit: [
      entry(3, {
        decision: "deny",
        summary: "Write file: /w/notes.txt",
        proof: { approval: { requestId: "r1", decision: "deny", answeredBy: "daemon:local" } },
      }),
      entry(2, { decision: "allow", summary: "Read file: /w/a", proof: { via: "mode" } }),
      entry(1, { sessionId: "other", summary: "elsewhere" }),
    ],
  });
  const r = await run("/audit 5", {}, backend);
  const lines = r.plain.trim().split("\n");
  assert.equal(lines.length, 2);
  assert.match(
    lines[0]!,
    /#3 .* decision deny {2}Write file: \/w\/notes\.txt \(Deny by daemon:local\)/,
  );
  assert.match(lines[1]!, /#2 .* allow {2}Read file: \/w\/a \(via mode\)/);
});

Deno.test("/copy copies the last answer or one of its code blocks", async () => {
  const text = "Two blocks:\n```ts\nconst a = 1;\n```\n```sh\nls -la\n```\n";
  const lastAnswer = { text, blocks: codeBlocksOf(text) };
  const cb = clipboard();
  assert.match((await run("/copy", { clipboard: cb })).plain, /Nothing to copy yet/);
  assert.match(
    (await run("/copy", { clipboard: cb, lastAnswer })).plain,
    /Copied the last answer \(\d+ characters\) with test clipboard/,
  );
  assert.match(
    (await run("/copy 2", { clipboard: cb, lastAnswer })).plain,
    /Copied code block 2 \(sh\)/,
  );
  assert.match(
    (await run("/copy 3", { clipboard: cb, lastAnswer })).plain,
    /No code block 3: the last answer has 2 \(1-2\)/,
  );
  assert.deepEqual(cb.copied, [text, "ls -la"]);
});

Deno.test("/cancel cancels the running turn, or says none runs; /exit asks to leave", async () => {
  const backend = new FakeChatBackend();
  assert.match((await run("/cancel", {}, backend)).plain, /No turn is running/);
  assert.deepEqual(backend.cancels, ["s1"]);
  assert.equal((await run("/exit")).exit, true);
});

Deno.test("a backend failure is shown as the command's output, not thrown", async () => {
  const backend = new FakeChatBackend();
  backend.sessions = () => Promise.reject(new Error("daemon gone"));
  assert.match((await run("/sessions", {}, backend)).plain, /\/sessions failed: daemon gone/);
});
