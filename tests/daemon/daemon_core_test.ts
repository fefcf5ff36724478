/**
 * The daemon's core driven directly (no sockets) over a real runtime, agent
 * host and scripted model: the handshake, sessions per principal, turn events
 * to every attached client, first-answer-wins approvals, queuing when nobody
 * is attached, cancel, and an orderly stop.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { LlmEvent, LlmProvider, LlmRequest, ScriptStep } from "../../src/llm/mod.ts";
import { ScriptedLlmProvider } from "../../src/llm/mod.ts";
import { RPC_ERRORS } from "../../src/frontends/daemon/mod.ts";
import { listAuditEntries } from "../../src/storage/mod.ts";
import { type CoreFixture, textReply, toolReply, withCore } from "./_daemon.ts";

type Rpc = { code: number; message: string; data?: Record<string, unknown> };

async function rejects(p: Promise<unknown>, code: number, message?: RegExp): Promise<Rpc> {
  try {
    await p;
  } catch (e) {
    const err = e as Rpc;
    assert.equal(err.code, code, `expected error ${code}, got ${err.code}: ${err.message}`);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected error ${code}, got a result`);
}

/** A provider that holds each call until `open()` is called, then replays `scripts`. */
class GatedProvider implements LlmProvider {
  readonly name = "gated";
  readonly #inner: ScriptedLlmProvider;
  #open!: () => void;
  readonly #gate = new Promise<void>((r) => (this.#open = r));
  constructor(scripts: ScriptStep[][]) {
    this.#inner = new ScriptedLlmProvider(scripts);
  }
  open(): void {
    this.#open();
  }
  async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
    await this.#gate;
    yield* this.#inner.stream(request, signal);
  }
}

const WRITE = (path = "out.txt") => toolReply("w1", "write_file", { path, content: "hello" });

Deno.test("a connection must say hello first; anything else is refused as unauthorized", async () => {
  await withCore({}, async (f) => {
    const peer = await f.connect("local", false);
    const err = await rejects(
      peer.call("daemon.status"),
      RPC_ERRORS.unauthorized,
      /Say hello first/,
    );
    assert.match(err.message, /"protocol":1/);
    const hello = await peer.call<{ protocol: number; principal: string; methods: string[] }>(
      "hello",
      { protocol: 1, client: "test" },
    );
    assert.equal(hello.principal, "local");
    assert.ok(hello.methods.includes("turn.send"));
    await rejects(peer.call("hello", { protocol: 1 }), RPC_ERRORS.invalidRequest, /already/);
    assert.equal((await peer.call<{ pid: number }>("daemon.status")).pid, Deno.pid);
  });
});

Deno.test("hello with another protocol version is refused with a clear message and the connection closed", async (t) => {
  for (const protocol of [2, 0, "1", null]) {
    await t.step(JSON.stringify(protocol), async () => {
      await withCore({}, async (f) => {
        const peer = await f.connect("local", false);
        const err = await rejects(peer.call("hello", { protocol }), RPC_ERRORS.protocolMismatch);
        assert.match(err.message, /this daemon speaks Astrid protocol 1, the client asked for/);
        assert.deepEqual(err.data, { supported: [1] });
        assert.equal(peer.closedWith?.code, 4005);
        assert.equal(f.core.connections, 0);
      });
    });
  }
});

Deno.test("malformed frames get JSON-RPC errors and the connection stays usable", async (t) => {
  await withCore({}, async (f) => {
    const peer = await f.connect();
    const cases: [string, string, number][] = [
      ["not JSON", "{", RPC_ERRORS.parseError],
      ["a batch", "[]", RPC_ERRORS.invalidRequest],
      ["wrong version", '{"jsonrpc":"1.0","id":1,"method":"x"}', RPC_ERRORS.invalidRequest],
      [
        "positional params",
        '{"jsonrpc":"2.0","id":1,"method":"x","params":[1]}',
        RPC_ERRORS.invalidParams,
      ],
      ["unknown method", '{"jsonrpc":"2.0","id":7,"method":"nope"}', RPC_ERRORS.methodNotFound],
      [
        "bad params",
        '{"jsonrpc":"2.0","id":8,"method":"session.resume","params":{"sessionId":5}}',
        RPC_ERRORS.invalidParams,
      ],
    ];
    for (const [name, frame, code] of cases) {
      await t.step(name, async () => {
        const before = peer.frames.length;
        await peer.conn.receive(frame);
        const reply = peer.frames[before] as { error: Rpc };
        assert.equal(reply.error.code, code, reply.error.message);
      });
    }
    assert.equal((await peer.call<{ clients: number }>("daemon.status")).clients, 1);
  });
});

Deno.test("a principal sees only its own sessions: another's answer session-not-found", async () => {
  await withCore({ scripts: [textReply("hi")] }, async (f) => {
    const alice = await f.connect("alice");
    const bob = await f.connect("bob");
    const { session } = await alice.call<{ session: { id: string } }>("session.create", {
      title: "plans",
    });
    assert.equal((await alice.call<{ sessions: unknown[] }>("session.list")).sessions.length, 1);
    assert.equal((await bob.call<{ sessions: unknown[] }>("session.list")).sessions.length, 0);
    for (
      const [method, params] of [
        ["session.resume", { sessionId: session.id }],
        ["session.history", { sessionId: session.id }],
        ["session.end", { sessionId: session.id }],
        ["turn.send", { sessionId: session.id, text: "leak it" }],
        ["turn.cancel", { sessionId: session.id }],
        ["session.budget", { sessionId: session.id }],
        ["session.allowances", { sessionId: session.id }],
        ["approval.pending", { sessionId: session.id }],
        ["audit.recent", { sessionId: session.id }],
      ] as const
    ) {
      const err = await rejects(bob.call(method, params), RPC_ERRORS.sessionNotFound);
      assert.equal(err.message, `No session "${session.id}"`, method);
    }
    await rejects(bob.call("session.resume", { sessionId: "nope" }), RPC_ERRORS.sessionNotFound);
    assert.equal(f.hub.get(session.id)?.clients.size, 1, "bob never got attached");
  });
});

Deno.test("two clients on one session see the same turn events", async () => {
  await withCore({ scripts: [textReply("hello both")] }, async (f) => {
    const a = await f.connect();
    const b = await f.connect();
    const { session } = await a.call<{ session: { id: string } }>("session.create");
    await b.call("session.resume", { sessionId: session.id });
    const { turnId } = await a.call<{ turnId: string }>("turn.send", {
      sessionId: session.id,
      text: "hi",
    });
    const done = (p: { event: { kind: string } }) => p.event.kind === "turn_complete";
    await Promise.all([a.notification("turn.event", done), b.notification("turn.event", done)]);
    const kinds = (peer: typeof a) =>
      peer.notifications<{ turnId: string; event: { kind: string } }>("turn.event").map((p) => {
        assert.equal(p.turnId, turnId);
        return p.event.kind;
      });
    assert.deepEqual(kinds(a), kinds(b));
    assert.ok(kinds(a).includes("text"));
    const text = a.notifications<{ event: { kind: string; text?: string } }>("turn.event")
      .filter((p) => p.event.kind === "text").map((p) => p.event.text).join("");
    assert.equal(text, "hello both");
  });
});

Deno.test("an approval shown to two clients is resolved by the first answer; the second is refused", async () => {
  await withCore({ scripts: [WRITE(), textReply("done")] }, async (f) => {
    const a = await f.connect();
    const b = await f.connect();
    const { session } = await a.call<{ session: { id: string } }>("session.create");
    await b.call("session.resume", { sessionId: session.id });
    await a.call("turn.send", { sessionId: session.id, text: "write it" });
    type Req = { sessionId: string; agent: string; request: { id: string; summary: string[] } };
    const [ra, rb] = await Promise.all([
      a.notification<Req>("approval.requested"),
      b.notification<Req>("approval.requested"),
    ]);
    assert.equal(ra.request.id, rb.request.id);
    assert.equal(ra.agent, "agent");
    const id = ra.request.id;
    const pending = await b.call<{ live: unknown[] }>("approval.pending", {
      sessionId: session.id,
    });
    assert.equal(pending.live.length, 1);
    // Both answer in the same tick: exactly one wins.
    const results = await Promise.allSettled([
      b.call("approval.answer", { requestId: id, decision: "allow_once" }),
      a.call("approval.answer", { requestId: id, decision: "deny" }),
    ]);
    assert.equal(results[0].status, "fulfilled");
    assert.equal(results[1].status, "rejected");
    const err = (results[1] as PromiseRejectedResult).reason as Rpc;
    assert.equal(err.code, RPC_ERRORS.approvalAnswered);
    assert.match(err.message, /already answered: allow_once by test-local\/c2/);
    for (const peer of [a, b]) {
      const ans = await peer.notification<{ requestId: string; decision: string }>(
        "approval.answered",
      );
      assert.deepEqual([ans.requestId, ans.decision], [id, "allow_once"]);
      await peer.notification(
        "turn.event",
        (p: { event: { kind: string } }) => p.event.kind === "turn_complete",
      );
    }
    assert.equal(await Deno.readTextFile(join(f.workspace, "out.txt")), "hello");
    await rejects(
      a.call("approval.answer", { requestId: id, decision: "allow_always" }),
      RPC_ERRORS.approvalAnswered,
    );
    // Nobody but the owner can answer, or even learn the request exists.
    const eve = await f.connect("eve");
    await rejects(
      eve.call("approval.answer", { requestId: id, decision: "deny" }),
      RPC_ERRORS.approvalAnswered,
      /No approval request/,
    );
    await rejects(
      a.call("approval.answer", { requestId: id, decision: "yes" }),
      RPC_ERRORS.invalidParams,
    );
  });
});

Deno.test("with no client attached, an approval request is queued durably instead of waiting", async () => {
  const provider = new GatedProvider([WRITE(), textReply("ok, it waits")]);
  await withCore({ provider }, async (f) => {
    const a = await f.connect();
    const { session } = await a.call<{ session: { id: string } }>("session.create");
    await a.call("turn.send", { sessionId: session.id, text: "write it" });
    a.conn.closed();
    provider.open();
    const live = f.hub.get(session.id)!;
    const result = await live.turn!.done as { status: string };
    assert.equal(result.status, "completed");
    const queued = await f.rt.store.listQueued();
    assert.equal(queued.length, 1);
    assert.equal(queued[0]!.request.sessionId, session.id);
    await assert.rejects(Deno.stat(join(f.workspace, "out.txt")), Deno.errors.NotFound);
    const b = await f.connect();
    const pending = await b.call<{ queued: unknown[]; live: unknown[] }>("approval.pending");
    assert.equal(pending.queued.length, 1);
    assert.equal(pending.live.length, 0);
  });
});

Deno.test("the last client leaving withdraws a waiting approval, which is then queued", async () => {
  await withCore({ scripts: [WRITE(), textReply("queued then")] }, async (f) => {
    const a = await f.connect();
    const { session } = await a.call<{ session: { id: string } }>("session.create");
    await a.call("turn.send", { sessionId: session.id, text: "write it" });
    const req = await a.notification<{ request: { id: string } }>("approval.requested");
    const turn = f.hub.get(session.id)!.turn!;
    a.conn.closed();
    assert.equal((await turn.done as { status: string }).status, "completed");
    const queued = await f.rt.store.listQueued();
    assert.deepEqual(queued.map((q) => q.request.id), [req.request.id]);
    const b = await f.connect();
    await rejects(
      b.call("approval.answer", { requestId: req.request.id, decision: "allow_once" }),
      RPC_ERRORS.approvalAnswered,
      /no longer waiting/,
    );
  });
});

Deno.test("a client attaching late is shown the approval still waiting", async () => {
  await withCore({ scripts: [WRITE(), textReply("fine")] }, async (f) => {
    const a = await f.connect();
    const { session } = await a.call<{ session: { id: string } }>("session.create");
    await a.call("turn.send", { sessionId: session.id, text: "write it" });
    const req = await a.notification<{ request: { id: string } }>("approval.requested");
    const late = await f.connect();
    await late.call("session.resume", { sessionId: session.id });
    const shown = await late.notification<{ request: { id: string } }>("approval.requested");
    assert.equal(shown.request.id, req.request.id);
    await late.call("approval.answer", { requestId: shown.request.id, decision: "deny" });
    await a.notification(
      "turn.event",
      (p: { event: { kind: string } }) => p.event.kind === "turn_complete",
    );
    await assert.rejects(Deno.stat(join(f.workspace, "out.txt")), Deno.errors.NotFound);
  });
});

Deno.test("turn.cancel ends the running turn as cancelled; a second turn.send meanwhile is busy", async () => {
  await withCore({ scripts: [[{ kind: "hang" }], textReply("after")] }, async (f) => {
    const a = await f.connect();
    const { session } = await a.call<{ session: { id: string } }>("session.create");
    const { turnId } = await a.call<{ turnId: string }>("turn.send", {
      sessionId: session.id,
      text: "think",
    });
    await rejects(
      a.call("turn.send", { sessionId: session.id, text: "again" }),
      RPC_ERRORS.sessionBusy,
    );
    const status = await a.call<{ runningTurns: number }>("daemon.status");
    assert.equal(status.runningTurns, 1);
    assert.deepEqual(await a.call("turn.cancel", { sessionId: session.id }), {
      cancelled: true,
      turnId,
    });
    const end = await a.notification<{ event: { kind: string; status: string } }>(
      "turn.event",
      (p) => p.event.kind === "turn_complete",
    );
    assert.equal(end.event.status, "cancelled");
    await f.hub.get(session.id)?.turn?.done;
    assert.deepEqual(await a.call("turn.cancel", { sessionId: session.id }), { cancelled: false });
    await a.call("turn.send", { sessionId: session.id, text: "again" });
    await a.notification(
      "turn.event",
      (p: { event: { kind: string; status?: string } }) =>
        p.event.kind === "turn_complete" && p.event.status === "completed",
    );
  });
});

Deno.test("stopping cancels running turns, tells every client and refuses new work", async () => {
  await withCore({ scripts: [[{ kind: "hang" }]] }, async (f) => {
    const a = await f.connect();
    const { session } = await a.call<{ session: { id: string } }>("session.create");
    await a.call("turn.send", { sessionId: session.id, text: "think" });
    const turn = f.hub.get(session.id)!.turn!;
    const stopping = f.core.drain("test stop");
    await rejects(a.call("session.list"), RPC_ERRORS.shuttingDown);
    assert.equal((await a.call<{ shuttingDown: boolean }>("daemon.status")).shuttingDown, true);
    await stopping;
    assert.equal((await turn.done as { status: string }).status, "cancelled");
    assert.deepEqual(await a.notification("daemon.stopping"), { reason: "test stop" });
    assert.equal(a.closedWith?.code, 1001);
    const meta = await f.host.openSession(session.id, "local");
    assert.equal(meta.activeTurn, undefined, "the cancelled turn was closed in the session record");
  });
});

Deno.test("budget, allowances, pending approvals and audit entries are the caller's own", async () => {
  await withCore({ scripts: [WRITE(), textReply("ok")] }, async (f: CoreFixture) => {
    const a = await f.connect();
    const { session } = await a.call<{ session: { id: string } }>("session.create");
    await a.call("turn.send", { sessionId: session.id, text: "write it" });
    const req = await a.notification<{ request: { id: string } }>("approval.requested");
    await a.call("approval.answer", { requestId: req.request.id, decision: "allow_session" });
    await a.notification(
      "turn.event",
      (p: { event: { kind: string } }) => p.event.kind === "turn_complete",
    );
    const budget = await a.call<{ sessionLimitUsd: number; actions: { spentUsd: number } }>(
      "session.budget",
      { sessionId: session.id },
    );
    assert.equal(budget.sessionLimitUsd, f.rt.config.budget.session_usd);
    const allow = await a.call<{ allowances: { pattern: string }[] }>("session.allowances", {
      sessionId: session.id,
    });
    assert.equal(allow.allowances.length, 1);
    await f.rt.audit.append({
      sessionId: "x",
      principal: "other",
      kind: "event",
      summary: "theirs",
    });
    const all: { seq: number; principal: string }[] = [];
    for await (const e of listAuditEntries(f.rt.kv, { newestFirst: true })) all.push(e);
    assert.equal(all[0]!.principal, "other");
    const mine = all.filter((e) => e.principal === "local").map((e) => e.seq);
    assert.ok(mine.length >= 3, `expected the decision, approval and outcome entries: ${mine}`);
    const audit = await a.call<{ entries: { principal: string; seq: number }[] }>("audit.recent", {
      limit: 2,
    });
    assert.deepEqual(
      audit.entries.map((e) => e.seq),
      mine.slice(0, 2),
      "the caller's, newest first",
    );
    const other = await f.connect("other");
    const theirs = await other.call<{ entries: { summary: string }[] }>("audit.recent");
    assert.deepEqual(theirs.entries.map((e) => e.summary), ["theirs"]);
  });
});

Deno.test("session.end cancels the turn, detaches every client and can delete the session", async () => {
  await withCore({ scripts: [[{ kind: "hang" }]] }, async (f) => {
    const a = await f.connect();
    const b = await f.connect();
    const { session } = await a.call<{ session: { id: string } }>("session.create");
    await b.call("session.resume", { sessionId: session.id });
    await a.call("turn.send", { sessionId: session.id, text: "think" });
    const r = await b.call<{ ended: boolean; deleted: string[] }>("session.end", {
      sessionId: session.id,
      delete: true,
    });
    assert.deepEqual(r, { ended: true, deleted: [session.id] });
    assert.equal(
      (await a.notification<{ sessionId: string }>("session.ended")).sessionId,
      session.id,
    );
    assert.equal(f.hub.get(session.id), undefined);
    await rejects(a.call("session.resume", { sessionId: session.id }), RPC_ERRORS.sessionNotFound);
  });
});
