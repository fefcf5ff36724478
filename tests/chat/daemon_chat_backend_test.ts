/**
 * The daemon adapter of `ChatBackend` against the real daemon (in-process,
 * on a loopback port, with a scripted model and the built-in tools): turns,
 * the approval flow, deferral for `--print`, sessions, and refusals.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ScriptedLlmProvider } from "../../src/llm/mod.ts";
import type { ChatEvent } from "../../src/frontends/cli/chat/chat_backend.ts";
import { connectDaemonBackend } from "../../src/frontends/cli/chat/connect_daemon.ts";
import type { DaemonChatBackend } from "../../src/frontends/cli/chat/daemon_chat_backend.ts";
import {
  type DaemonFixture,
  startDaemon,
  textReply,
  toolReply,
  withDirs,
} from "../daemon/_daemon.ts";

/** Events of one session, with a way to wait for the one that matches. */
function recorder(backend: DaemonChatBackend) {
  const events: ChatEvent[] = [];
  const waiters: { pred: (e: ChatEvent) => boolean; resolve: (e: ChatEvent) => void }[] = [];
  backend.subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  return {
    events,
    next<K extends ChatEvent["kind"]>(kind: K): Promise<Extract<ChatEvent, { kind: K }>> {
      const seen = events.find((e) => e.kind === kind);
      if (seen) {
        events.splice(events.indexOf(seen), 1);
        return Promise.resolve(seen as Extract<ChatEvent, { kind: K }>);
      }
      return new Promise((resolve) =>
        waiters.push({
          pred: (e) => e.kind === kind,
          resolve: (e) => {
            events.splice(events.indexOf(e), 1);
            resolve(e as Extract<ChatEvent, { kind: K }>);
          },
        })
      );
    },
  };
}

async function withDaemon(
  scripts: Parameters<typeof textReply>[0][] | ReturnType<typeof textReply>[],
  fn: (d: DaemonFixture, backend: DaemonChatBackend) => Promise<void>,
): Promise<void> {
  await withDirs("", async (dirs) => {
    const daemon = await startDaemon(dirs, {
      provider: new ScriptedLlmProvider(scripts as ReturnType<typeof textReply>[]),
    });
    try {
      const backend = await connectDaemonBackend({
        home: dirs.home,
        workspace: dirs.workspace,
        env: dirs.env,
      });
      try {
        await fn(daemon, backend);
      } finally {
        await backend.close();
      }
    } finally {
      await daemon.stop();
    }
  });
}

Deno.test("the daemon backend opens a session, runs a turn and streams its events", async () => {
  await withDaemon([textReply("Hello **there**")], async (d, backend) => {
    assert.match(
      backend.description,
      new RegExp(`daemon pid ${d.state.pid} on 127\\.0\\.0\\.1:${d.state.port}`),
    );
    const rec = recorder(backend);
    const session = await backend.open({ kind: "new" });
    const { turnId } = await backend.send(session.id, "hi");
    const text = await rec.next("text");
    assert.equal(text.text, "Hello **there**");
    const end = await rec.next("turn_complete");
    assert.deepEqual([end.turnId, end.status, end.text], [turnId, "completed", "Hello **there**"]);
    const sessions = await backend.sessions();
    assert.equal(sessions[0]!.id, session.id);
    assert.equal(sessions[0]!.turnCount, 1);
    const budget = await backend.budget(session.id);
    assert.equal(budget.sessionId, session.id);
    assert.equal(typeof budget.sessionLimitUsd, "number");
  });
});

Deno.test("an approval request arrives with its diff; Deny is recorded and writes nothing", async () => {
  await withDaemon([
    toolReply("c1", "write_file", { path: "notes.txt", content: "hello\n" }),
    textReply("I was not allowed."),
  ], async (d, backend) => {
    const rec = recorder(backend);
    const session = await backend.open({ kind: "new" });
    await backend.send(session.id, "write notes");
    const ask = await rec.next("approval_needed");
    assert.match(ask.request.summary.join("\n"), /notes\.txt/);
    assert.match(ask.request.preview ?? "", /^\+hello$/m);
    assert.deepEqual(await backend.answer(ask.request.id, "deny"), { ok: true });
    const second = await backend.answer(ask.request.id, "allow_once");
    assert.equal(second.ok, false);
    const result = await rec.next("tool_result");
    assert.equal(result.status, "denied");
    const end = await rec.next("turn_complete");
    assert.equal(end.text, "I was not allowed.");
    await assert.rejects(() => Deno.stat(join(d.workspace, "notes.txt")), Deno.errors.NotFound);
    const audit = await backend.recentAudit({ sessionId: session.id, limit: 20 });
    assert.ok(
      audit.some((e) => e.decision === "deny" && /notes\.txt/.test(e.summary ?? "")),
      JSON.stringify(audit.map((e) => [e.kind, e.decision, e.summary])),
    );
  });
});

Deno.test("a deferring turn queues its approval requests and never answers them", async () => {
  await withDaemon([
    toolReply("c1", "write_file", { path: "notes.txt", content: "hello\n" }),
    textReply("Queued for you."),
  ], async (d, backend) => {
    const rec = recorder(backend);
    const session = await backend.open({ kind: "new" });
    await backend.send(session.id, "write notes", { approvals: "defer" });
    const ask = await rec.next("approval_needed");
    const closed = await rec.next("approval_closed");
    assert.equal(closed.requestId, ask.request.id);
    assert.match(closed.reason, /deferred/);
    const end = await rec.next("turn_complete");
    assert.equal(end.status, "completed");
    assert.equal(end.text, "Queued for you.");
    const pending = await backend.pendingApprovals(session.id);
    assert.deepEqual(pending.live, []);
    const queued = pending.queued.find((q) => q.request.id === ask.request.id);
    assert.equal(queued?.status, "pending");
    await assert.rejects(() => Deno.stat(join(d.workspace, "notes.txt")), Deno.errors.NotFound);
  });
});

Deno.test("--continue resumes the newest session; an unknown session is NOT_FOUND", async () => {
  await withDaemon([textReply("one"), textReply("two")], async (_d, backend) => {
    const rec = recorder(backend);
    const a = await backend.open({ kind: "new" });
    await backend.send(a.id, "x");
    await rec.next("turn_complete");
    const b = await backend.open({ kind: "new" });
    await backend.send(b.id, "y");
    await rec.next("turn_complete");
    assert.equal((await backend.open({ kind: "latest" })).id, b.id);
    await assert.rejects(
      () => backend.open({ kind: "resume", id: "no-such-session" }),
      (e: Error & { code?: string }) => e.code === "NOT_FOUND" && /no-such-session/.test(e.message),
    );
  });
});

Deno.test("chat refuses a running daemon that serves another workspace", async () => {
  await withDirs("", async (dirs) => {
    const daemon = await startDaemon(dirs);
    try {
      await assert.rejects(
        () =>
          connectDaemonBackend({
            home: dirs.home,
            workspace: join(dirs.root, "elsewhere"),
            env: dirs.env,
          }),
        (e: Error & { code?: string }) =>
          e.code === "WORKSPACE_INVALID" &&
          e.message.includes(`serves the workspace "${dirs.workspace}"`),
      );
    } finally {
      await daemon.stop();
    }
  });
});

Deno.test("--set given to chat is reported as not reaching a daemon that already runs", async () => {
  await withDirs("", async (dirs) => {
    const daemon = await startDaemon(dirs);
    const notes: string[] = [];
    const backend = await connectDaemonBackend({
      home: dirs.home,
      workspace: dirs.workspace,
      env: dirs.env,
      sets: ["workspace.mode=guided"],
      onNote: (t) => notes.push(t),
    });
    try {
      assert.deepEqual(notes, [
        "--set only configures a daemon chat starts; the running daemon keeps its configuration",
      ]);
    } finally {
      await backend.close();
      await daemon.stop();
    }
  });
});

Deno.test("the daemon stopping reaches the chat as a disconnection", async () => {
  await withDirs("", async (dirs) => {
    const daemon = await startDaemon(dirs);
    const backend = await connectDaemonBackend({
      home: dirs.home,
      workspace: dirs.workspace,
      env: dirs.env,
    });
    try {
      const rec = recorder(backend);
      await backend.open({ kind: "new" });
      await daemon.stop();
      const gone = await rec.next("disconnected");
      assert.match(gone.reason, /daemon is stopping/);
    } finally {
      await backend.close();
    }
  });
});
