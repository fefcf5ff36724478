/**
 * Sessions belong to a principal: another principal can neither read nor
 * act in one (a stable error code), and each session has its own budget.
 * Plus the guards around turns: one at a time, an interrupted one must be
 * resumed first, a session stays in its workspace, deleting keeps the audit.
 */

import assert from "node:assert/strict";
import { AstridError } from "../../src/core/mod.ts";
import { ScriptedLlmProvider } from "../../src/llm/mod.ts";
import type { AuditEntry } from "../../src/security/mod.ts";
import { listAuditEntries } from "../../src/storage/mod.ts";
import { type AgentFixture, RecordingFrontend, withAgent } from "./_agent.ts";

const code = (c: string) => (e: unknown) => e instanceof AstridError && e.code === c;
const text = (t: string, input = 10) => [
  { kind: "text_delta" as const, text: t },
  { kind: "usage" as const, inputTokens: input, outputTokens: 0 },
  { kind: "stop" as const, reason: "end_turn" as const },
];
const PRICED = '[llm.prices."test-model"]\ninput_per_mtok = 1000.0\noutput_per_mtok = 0.0\n';

async function audit(f: AgentFixture, sessionId: string): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of listAuditEntries(f.rt.kv, { sessionId })) out.push(e);
  return out;
}

Deno.test("another principal can neither read nor act in a session (SESSION_FORBIDDEN)", async () => {
  const provider = new ScriptedLlmProvider([text("hi alice")]);
  await withAgent({ provider }, async (f) => {
    const alice = await f.host.createSession({ principal: "telegram:alice" });
    const done = await (await f.host.startTurn({
      sessionId: alice.id,
      principal: "telegram:alice",
      text: "secret plans",
      frontend: new RecordingFrontend(),
    })).done;
    assert.equal(done.status, "completed");
    const bob = "telegram:bob";
    const forbidden = code("SESSION_FORBIDDEN");
    await assert.rejects(f.host.openSession(alice.id, bob), forbidden);
    await assert.rejects(f.host.history(alice.id, bob), forbidden);
    await assert.rejects(
      f.host.startTurn({
        sessionId: alice.id,
        principal: bob,
        text: "hijack",
        frontend: new RecordingFrontend(),
      }),
      forbidden,
    );
    await assert.rejects(f.host.resume(alice.id, bob), forbidden);
    await assert.rejects(f.host.deleteSession(alice.id, bob), forbidden);
    await assert.rejects(f.host.createSubAgent(alice.id, bob, { description: "x" }), forbidden);
    await assert.rejects(
      f.host.openSession(alice.id, bob),
      (e: unknown) => e instanceof AstridError && !e.message.includes("secret"),
    );
    assert.deepEqual(await f.host.listSessions(bob), []);
    assert.deepEqual((await f.host.listSessions("telegram:alice")).map((s) => s.id), [alice.id]);
    // Nothing was written by the refused calls.
    assert.equal((await f.host.openSession(alice.id, "telegram:alice")).messageCount, 2);
    assert.equal(provider.requests.length, 1);
    assert.equal(await f.host.sessions.get(alice.id) !== undefined, true);
  });
});

Deno.test("each principal's session has its own budget", async () => {
  const provider = new ScriptedLlmProvider([text("a", 2), text("b", 3)]);
  await withAgent({ provider, config: PRICED }, async (f) => {
    const a = await f.host.createSession({ principal: "alice" });
    const b = await f.host.createSession({ principal: "bob" });
    for (const [s, p] of [[a, "alice"], [b, "bob"]] as const) {
      await (await f.host.startTurn({
        sessionId: s.id,
        principal: p,
        text: "go",
        frontend: new RecordingFrontend(),
      })).done;
    }
    const ba = await f.rt.store.budgetOf(a.id, f.rt.workspace);
    const bb = await f.rt.store.budgetOf(b.id, f.rt.workspace);
    assert.equal(ba.session.spentMicros, 2000);
    assert.equal(bb.session.spentMicros, 3000);
    assert.equal((await f.host.openSession(a.id, "alice")).spentMicros, 2000);
    assert.equal((await f.host.openSession(b.id, "bob")).spentMicros, 3000);
  });
});

Deno.test("a second turn on a running session is refused with SESSION_CONFLICT", async () => {
  const provider = new ScriptedLlmProvider([[{ kind: "hang" }]]);
  await withAgent({ provider }, async (f) => {
    const s = await f.host.createSession({ principal: "p" });
    const first = await f.host.startTurn({
      sessionId: s.id,
      principal: "p",
      text: "one",
      frontend: new RecordingFrontend(),
    });
    await assert.rejects(
      f.host.startTurn({
        sessionId: s.id,
        principal: "p",
        text: "two",
        frontend: new RecordingFrontend(),
      }),
      code("SESSION_CONFLICT"),
    );
    await assert.rejects(f.host.resume(s.id, "p"), code("SESSION_CONFLICT"));
    first.cancel();
    assert.equal((await first.done).status, "cancelled");
  });
});

Deno.test("an interrupted turn must be resumed before the next one starts", async () => {
  await withAgent({ provider: new ScriptedLlmProvider([text("after resume")]) }, async (f) => {
    const s = await f.host.createSession({ principal: "p" });
    // What a killed process leaves behind: a turn marked active.
    await f.host.sessions.update(s.id, (m) => ({
      ...m,
      activeTurn: { id: "t", no: 1, status: "running", startedAt: 1 },
    }));
    await assert.rejects(
      f.host.startTurn({
        sessionId: s.id,
        principal: "p",
        text: "x",
        frontend: new RecordingFrontend(),
      }),
      (e: unknown) => code("SESSION_CONFLICT")(e) && /resume the session first/.test(String(e)),
    );
    const report = await f.host.resume(s.id, "p");
    assert.equal(report.hadActiveTurn, true);
    const meta = await f.host.openSession(s.id, "p");
    assert.equal(meta.activeTurn, undefined);
    assert.equal(meta.lastTurn?.status, "interrupted");
    const turn = await f.host.startTurn({
      sessionId: s.id,
      principal: "p",
      text: "x",
      frontend: new RecordingFrontend(),
    });
    assert.equal((await turn.done).status, "completed");
  });
});

Deno.test("a session opened from another workspace is refused (SESSION_WORKSPACE_MISMATCH)", async () => {
  await withAgent({}, async (f) => {
    const s = await f.host.createSession({ principal: "p" });
    await f.host.sessions.update(s.id, (m) => ({ ...m, workspace: "/somewhere/else" }));
    await assert.rejects(f.host.openSession(s.id, "p"), code("SESSION_WORKSPACE_MISMATCH"));
    await assert.rejects(f.host.openSession("no-such-session", "p"), code("NOT_FOUND"));
  });
});

Deno.test("deleting a session removes its records but never its audit entries", async () => {
  await withAgent({ provider: new ScriptedLlmProvider([text("hello")]) }, async (f) => {
    const s = await f.host.createSession({ principal: "p" });
    await (await f.host.startTurn({
      sessionId: s.id,
      principal: "p",
      text: "hi",
      frontend: new RecordingFrontend(),
    })).done;
    const before = await audit(f, s.id);
    assert.ok(before.length > 0);
    assert.deepEqual(await f.host.deleteSession(s.id, "p"), [s.id]);
    await assert.rejects(f.host.openSession(s.id, "p"), code("NOT_FOUND"));
    assert.deepEqual(await f.host.sessions.records(s.id), []);
    const after = await audit(f, s.id);
    assert.deepEqual(after.slice(0, before.length), before, "earlier entries are untouched");
    assert.equal(after.at(-1)?.detail?.["type"], "session_deleted");
  });
});
