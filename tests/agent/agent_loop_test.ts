/**
 * The agent loop against the fake LLM server (real HTTP, both wire formats)
 * and a real security runtime: text, tool calls, parallel calls, a 429 then
 * success, a stream cut mid-way, denials fed back, the step limit, cancel.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { listAuditEntries, verifyKvAuditLog } from "../../src/storage/mod.ts";
import type { AuditEntry } from "../../src/security/mod.ts";
import {
  type AgentFixture,
  bodies,
  type Flavour,
  RecordingFrontend,
  toolCall,
  withAgent,
} from "./_agent.ts";

const FLAVOURS: readonly Flavour[] = ["anthropic", "openai"];
const P = "local";
const PRICED = '[llm.prices."test-model"]\ninput_per_mtok = 3.0\noutput_per_mtok = 15.0\n';

async function turn(f: AgentFixture, text: string, frontend = new RecordingFrontend()) {
  const s = (await f.host.listSessions(P))[0] ?? await f.host.createSession({ principal: P });
  const handle = await f.host.startTurn({ sessionId: s.id, principal: P, text, frontend });
  const result = await handle.done;
  return { result, frontend, sessionId: s.id };
}

async function audit(f: AgentFixture): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of listAuditEntries(f.rt.kv, {})) out.push(e);
  return out;
}

async function kinds(f: AgentFixture, sessionId: string): Promise<string[]> {
  return (await f.host.history(sessionId, P)).map((r) =>
    r.body.kind === "tool_result" ? `tool_result:${r.body.status}` : r.body.kind
  );
}

for (const flavour of FLAVOURS) {
  Deno.test(`[${flavour}] a text answer streams to the frontend and is recorded`, async () => {
    await withAgent({
      flavour,
      config: PRICED,
      script: [{ kind: "turn", text: ["Hel", "lo!"], usage: { input: 1000, output: 500 } }],
    }, async (f) => {
      const { result, frontend, sessionId } = await turn(f, "Hi");
      assert.equal(result.status, "completed");
      assert.equal(result.text, "Hello!");
      assert.equal(frontend.text(), "Hello!");
      assert.deepEqual(
        frontend.events.map((e) => e.kind),
        ["turn_started", "text", "text", "usage", "turn_complete"],
      );
      assert.deepEqual(await kinds(f, sessionId), ["user", "assistant"]);
      const meta = await f.host.openSession(sessionId, P);
      assert.equal(meta.activeTurn, undefined);
      assert.equal(meta.lastTurn?.status, "completed");
      assert.deepEqual(meta.usage, {
        calls: 1,
        inputTokens: 1000,
        outputTokens: 500,
        unpricedCalls: 0,
      });
      // 1000 x $3 + 500 x $15 per million tokens.
      assert.equal(frontend.of("usage")[0]?.costUsd, 0.0105);
      assert.equal(meta.spentMicros, 10_500);
      const budget = await f.rt.store.budgetOf(sessionId, f.rt.workspace);
      assert.equal(budget.session.spentMicros, 10_500, "charged to the session's budget account");
      const charge = (await audit(f)).find((e) => e.detail?.["type"] === "charge");
      assert.equal(charge?.detail?.["model"], "test-model");
    });
  });

  Deno.test(`[${flavour}] a tool call passes the interceptor, runs, and its result goes back as untrusted data`, async () => {
    await withAgent({
      flavour,
      config: '[workspace]\nmode = "guided"\n',
      script: [
        { kind: "turn", toolCalls: [toolCall("c1", "read_file", { path: "notes.txt" })] },
        { kind: "turn", text: ["The note says hi."] },
      ],
    }, async (f) => {
      await Deno.writeTextFile(join(f.workspace, "notes.txt"), "hi there");
      const { result, frontend, sessionId } = await turn(f, "Read my notes");
      assert.equal(result.status, "completed");
      assert.equal(result.steps, 1);
      assert.deepEqual(await kinds(f, sessionId), [
        "user",
        "assistant",
        "tool_result:ok",
        "assistant",
      ]);
      const [started] = frontend.of("tool_started");
      assert.equal(started?.tool, "read_file");
      assert.equal(frontend.of("tool_result")[0]?.output, "hi there");
      const second = JSON.stringify(bodies(f.server!)[1]);
      assert.match(
        second,
        /<untrusted_data call_id=\\"c1\\" tool=\\"read_file\\" source=\\"tool:read_file\\" status=\\"ok\\">/,
      );
      assert.match(second, /hi there/);
      const entries = await audit(f);
      const decision = entries.find((e) => e.kind === "decision");
      assert.equal(decision?.decision, "allow");
      assert.equal(decision?.detail?.["requestedBy"], "agent");
      assert.equal(decision?.sessionId, sessionId);
      const outcome = entries.find((e) => e.kind === "outcome");
      assert.equal(outcome?.links?.decisionId, decision?.id);
      assert.equal(outcome?.outcome?.ok, true);
      assert.equal((await verifyKvAuditLog(f.rt.kv, { trusted: f.rt.keyring })).intact, true);
    });
  });

  Deno.test(`[${flavour}] parallel tool calls in one answer all run and all results go back`, async () => {
    await withAgent({
      flavour,
      config: '[workspace]\nmode = "guided"\n',
      script: [
        {
          kind: "turn",
          interleave: true,
          toolCalls: [
            toolCall("a", "read_file", { path: "a.txt" }),
            toolCall("b", "read_file", { path: "b.txt" }),
            toolCall("c", "list_directory", {}),
          ],
        },
        { kind: "turn", text: ["done"] },
      ],
    }, async (f) => {
      await Deno.writeTextFile(join(f.workspace, "a.txt"), "AAA");
      await Deno.writeTextFile(join(f.workspace, "b.txt"), "BBB");
      const { result, sessionId } = await turn(f, "Read both");
      assert.equal(result.status, "completed");
      assert.deepEqual(await kinds(f, sessionId), [
        "user",
        "assistant",
        "tool_result:ok",
        "tool_result:ok",
        "tool_result:ok",
        "assistant",
      ]);
      const second = JSON.stringify(bodies(f.server!)[1]);
      for (const text of ["AAA", "BBB", "a.txt\\nb.txt"]) assert.ok(second.includes(text), text);
      const decisions = (await audit(f)).filter((e) => e.kind === "decision");
      assert.equal(decisions.length, 3);
      assert.ok(decisions.every((d) => d.decision === "allow"));
    });
  });

  Deno.test(`[${flavour}] a 429 is retried and the turn completes`, async () => {
    await withAgent({
      flavour,
      script: [
        { kind: "http_error", status: 429, message: "slow down", retryAfter: "0" },
        { kind: "turn", text: ["after the wait"] },
      ],
    }, async (f) => {
      const { result } = await turn(f, "Hi");
      assert.equal(result.status, "completed");
      assert.equal(result.text, "after the wait");
      assert.equal(f.server!.requests.length, 2);
    });
  });

  Deno.test(`[${flavour}] a stream cut mid-way is reported; nothing partial is recorded and the session goes on`, async () => {
    await withAgent({
      flavour,
      script: [
        { kind: "turn", text: ["I will ", "read ", "the ", "file"], cutAfter: 3 },
        { kind: "turn", text: ["Second try works."] },
      ],
    }, async (f) => {
      const first = await turn(f, "Hi");
      assert.equal(first.result.status, "error");
      assert.equal(first.result.error?.code, "stream_interrupted");
      assert.equal(first.frontend.of("error")[0]?.code, "stream_interrupted");
      assert.deepEqual(await kinds(f, first.sessionId), ["user"]);
      const meta = await f.host.openSession(first.sessionId, P);
      assert.equal(meta.activeTurn, undefined);
      assert.equal(meta.lastTurn?.status, "error");
      const second = await turn(f, "Again please");
      assert.equal(second.result.status, "completed");
      assert.deepEqual(await kinds(f, first.sessionId), ["user", "user", "assistant"]);
      // Both user messages reach the model, merged into one user turn where the format needs it.
      const sent = JSON.stringify(bodies(f.server!)[1]);
      assert.ok(sent.includes("Hi") && sent.includes("Again please"));
    });
  });
}

Deno.test("a denied call is reported to the model as a result, and the model adapts", async () => {
  await withAgent({
    config: '[workspace]\nmode = "autonomous"\nescape_policy = "deny"\n',
    script: [
      {
        kind: "turn",
        toolCalls: [toolCall("w", "write_file", { path: "/tmp/astrid-outside.txt", content: "x" })],
      },
      { kind: "turn", text: ["I cannot write there."] },
    ],
  }, async (f) => {
    const { result, frontend, sessionId } = await turn(f, "Write outside");
    assert.equal(result.status, "completed");
    assert.equal(f.tools.calls.length, 0, "the tool never ran");
    const r = frontend.of("tool_result")[0];
    assert.equal(r?.status, "denied");
    assert.match(r?.output ?? "", /Denied by the policy check .*did not run/);
    assert.deepEqual(await kinds(f, sessionId), [
      "user",
      "assistant",
      "tool_result:denied",
      "assistant",
    ]);
    const sent = JSON.stringify(bodies(f.server!)[1]);
    assert.match(sent, /status=\\"error\\"/);
    assert.match(sent, /is_error/);
  });
});

Deno.test("a call the model was not offered, or that cannot be classified, is denied and audited", async () => {
  await withAgent({
    config: '[workspace]\nmode = "autonomous"\n',
    script: [
      {
        kind: "turn",
        toolCalls: [
          toolCall("x", "bash", { command: "ls" }),
          toolCall("y", "read_file", { path: "a.txt", extra: 1 }),
        ],
      },
      { kind: "turn", text: ["ok"] },
    ],
  }, async (f) => {
    const { frontend } = await turn(f, "go");
    const [a, b] = frontend.of("tool_result").sort((p, q) => p.callId < q.callId ? -1 : 1);
    assert.equal(a?.status, "denied");
    assert.match(a?.output ?? "", /agent:tool_not_offered.*"bash" is not among the tools/);
    assert.equal(b?.status, "denied");
    assert.match(b?.output ?? "", /classify:unresolvable.*unknown argument "extra"/);
    const denials = (await audit(f)).filter((e) => e.kind === "decision");
    assert.deepEqual(denials.map((d) => d.proof?.rule).sort(), [
      "agent:tool_not_offered",
      "classify:unresolvable",
    ]);
    assert.equal(f.tools.calls.length, 0);
  });
});

Deno.test("the step limit stops the turn; the calls past it are recorded as skipped, never run", async () => {
  await withAgent({
    config: '[workspace]\nmode = "guided"\n[agent]\nmax_steps_per_turn = 1\n',
    script: [
      { kind: "turn", toolCalls: [toolCall("1", "list_directory", {})] },
      { kind: "turn", toolCalls: [toolCall("2", "list_directory", {})] },
    ],
  }, async (f) => {
    const { result, sessionId } = await turn(f, "loop");
    assert.equal(result.status, "max_steps");
    assert.equal(result.steps, 1);
    assert.equal(f.tools.calls.length, 1);
    assert.deepEqual(await kinds(f, sessionId), [
      "user",
      "assistant",
      "tool_result:ok",
      "assistant",
      "tool_result:skipped",
    ]);
    assert.equal((await f.host.openSession(sessionId, P)).lastTurn?.status, "max_steps");
  });
});

Deno.test("cancel stops a running tool; the session stays consistent and the outcome is audited", async () => {
  await withAgent({
    config: '[workspace]\nmode = "guided"\n',
    script: [{ kind: "turn", toolCalls: [toolCall("h", "list_directory", {})] }],
  }, async (f) => {
    f.tools.hook = (_n, _a, ctx) =>
      new Promise((resolve) => {
        ctx.signal.addEventListener("abort", () =>
          resolve({ ok: false, output: "stopped", error: "aborted" }), { once: true });
        frontend.control?.cancel("user pressed Ctrl-C");
      });
    const frontend = new RecordingFrontend();
    const { result, sessionId } = await turn(f, "hang", frontend);
    assert.equal(result.status, "cancelled");
    assert.deepEqual(await kinds(f, sessionId), ["user", "assistant", "tool_result:cancelled"]);
    const meta = await f.host.openSession(sessionId, P);
    assert.equal(meta.activeTurn, undefined);
    assert.equal(meta.lastTurn?.status, "cancelled");
    const outcome = (await audit(f)).find((e) => e.kind === "outcome");
    assert.equal(outcome?.outcome?.ok, false);
    assert.equal(f.server!.requests.length, 1, "no model call after the cancel");
  });
});

Deno.test("an approval request reaches the frontend; its answer (and only it) lets the call run", async () => {
  await withAgent({
    config: '[workspace]\nmode = "safe"\n',
    script: [
      { kind: "turn", toolCalls: [toolCall("w", "write_file", { path: "out.txt", content: "x" })] },
      { kind: "turn", text: ["written"] },
    ],
  }, async (f) => {
    const frontend = new RecordingFrontend(() => "allow_once");
    const { result } = await turn(f, "write it", frontend);
    assert.equal(result.status, "completed");
    const [asked] = frontend.of("approval_needed");
    assert.equal(asked?.agent, "agent");
    assert.match(asked?.request.summary.join() ?? "", /out\.txt/);
    assert.equal(await Deno.readTextFile(join(f.workspace, "out.txt")), "x");
    const decision = (await audit(f)).find((e) => e.kind === "decision");
    assert.equal(decision?.proof?.approval?.answeredBy, "test:frontend");
    assert.equal(decision?.proof?.approval?.decision, "allow_once");
  });
});

Deno.test("a model missing from the price table is charged nothing, warned about once and audited per call", async () => {
  await withAgent({
    config: '[workspace]\nmode = "guided"\n',
    script: [
      { kind: "turn", toolCalls: [toolCall("1", "list_directory", {})] },
      { kind: "turn", text: ["done"] },
    ],
  }, async (f) => {
    const { result, frontend, sessionId } = await turn(f, "go");
    assert.equal(result.status, "completed");
    const warnings = frontend.of("warning");
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.code, "llm_unpriced");
    assert.match(warnings[0]?.message ?? "", /no price for model "test-model"/);
    assert.deepEqual(frontend.of("usage").map((u) => u.costUsd), [null, null]);
    const unpriced = (await audit(f)).filter((e) => e.detail?.["type"] === "llm_unpriced");
    assert.equal(unpriced.length, 2);
    assert.equal(unpriced[0]?.detail?.["inputTokens"], 10);
    const meta = await f.host.openSession(sessionId, P);
    assert.equal(meta.spentMicros, 0);
    assert.equal(meta.usage.unpricedCalls, 2);
    assert.deepEqual(meta.unpricedModels, ["test-model"]);
  });
});

Deno.test("a spent session budget stops the turn before the next model call", async () => {
  await withAgent({
    config: '[workspace]\nmode = "guided"\n[budget]\nsession_usd = 0.01\naction_usd = 0.01\n' +
      PRICED,
    script: [
      {
        kind: "turn",
        toolCalls: [toolCall("1", "list_directory", {})],
        usage: { input: 5000, output: 0 },
      },
      { kind: "turn", text: ["never sent"] },
    ],
  }, async (f) => {
    const { result, sessionId } = await turn(f, "go");
    assert.equal(result.status, "budget_exceeded");
    assert.equal(result.error?.code, "BUDGET_EXCEEDED");
    assert.match(
      result.error?.message ?? "",
      /budget of agent is spent \(\$0\.015000 of \$0\.010000\)/,
    );
    assert.equal(f.server!.requests.length, 1);
    assert.equal((await f.host.openSession(sessionId, P)).lastTurn?.status, "budget_exceeded");
  });
});

Deno.test("near the context window, older records are summarized by a model call, audited, and sent as a summary", async () => {
  const big = "x".repeat(5000);
  const long = `and now? ${"y".repeat(4000)}`;
  await withAgent({
    config: '[workspace]\nmode = "guided"\n[llm]\ncontext_window = 3000\nmax_tokens = 100\n',
    script: [
      { kind: "turn", toolCalls: [toolCall("1", "read_file", { path: "big.txt" })] },
      { kind: "turn", text: ["read it"] },
      // The second turn's long message goes over the window: first the summary call, then the real one.
      { kind: "turn", text: ["SUMMARY: the user read big.txt"] },
      { kind: "turn", text: ["answer after summary"] },
    ],
  }, async (f) => {
    await Deno.writeTextFile(join(f.workspace, "big.txt"), big);
    await turn(f, "read big.txt");
    const { result, frontend, sessionId } = await turn(f, long);
    assert.equal(result.status, "completed");
    assert.equal(result.text, "answer after summary");
    const [summarized] = frontend.of("context_summarized");
    assert.equal(summarized?.records, 4);
    const sent = bodies(f.server!);
    assert.match(JSON.stringify(sent[2]), /Tool result: read_file, ok, untrusted data/);
    assert.equal((sent[2]?.["tools"] as unknown[] | undefined)?.length ?? 0, 0);
    const last = JSON.stringify(sent[3]);
    assert.match(last, /conversation_summary/);
    assert.match(last, /SUMMARY: the user read big\.txt/);
    assert.ok(!last.includes(big), "the summarized records are not sent again");
    const event = (await audit(f)).find((e) => e.detail?.["type"] === "context_summarized");
    assert.equal(event?.detail?.["records"], 4);
    const meta = await f.host.openSession(sessionId, P);
    assert.deepEqual(meta.summary, { recordIndex: 5, throughIndex: 3 });
    assert.deepEqual(await kinds(f, sessionId), [
      "user",
      "assistant",
      "tool_result:ok",
      "assistant",
      "user",
      "summary",
      "assistant",
    ]);
  });
});

Deno.test("a frontend that throws does not break the turn or the session", async () => {
  await withAgent({ script: [{ kind: "turn", text: ["fine"] }] }, async (f) => {
    const s = await f.host.createSession({ principal: P });
    const turn = await f.host.startTurn({
      sessionId: s.id,
      principal: P,
      text: "hi",
      frontend: {
        id: "broken",
        onEvent() {
          throw new Error("display crashed");
        },
      },
    });
    const result = await turn.done;
    assert.equal(result.status, "completed");
    assert.deepEqual(await kinds(f, s.id), ["user", "assistant"]);
  });
});

Deno.test("cancel while the model streams: nothing partial is recorded, the session is consistent", async () => {
  await withAgent({
    script: [
      { kind: "turn", text: ["partial ", "answer ", "never ", "finished"], hangAfter: 3 },
      { kind: "turn", text: ["next turn works"] },
    ],
  }, async (f) => {
    const frontend = new RecordingFrontend();
    const s = await f.host.createSession({ principal: P });
    const turn = await f.host.startTurn({
      sessionId: s.id,
      principal: P,
      text: "go",
      frontend: {
        id: "f",
        onEvent(e, control) {
          frontend.onEvent(e, control);
          if (e.kind === "text") control.cancel();
        },
      },
    });
    const result = await turn.done;
    assert.equal(result.status, "cancelled");
    assert.deepEqual(await kinds(f, s.id), ["user"]);
    assert.equal((await f.host.openSession(s.id, P)).lastTurn?.status, "cancelled");
    const next = await (await f.host.startTurn({
      sessionId: s.id,
      principal: P,
      text: "again",
      frontend: new RecordingFrontend(),
    })).done;
    assert.equal(next.status, "completed");
  });
});

Deno.test("the missing-price warning is given once per session, not on every turn", async () => {
  await withAgent({
    script: [{ kind: "turn", text: ["one"] }, { kind: "turn", text: ["two"] }],
  }, async (f) => {
    const first = await turn(f, "a");
    const second = await turn(f, "b");
    assert.equal(first.frontend.of("warning").length, 1);
    assert.equal(second.frontend.of("warning").length, 0);
    const unpriced = (await audit(f)).filter((e) => e.detail?.["type"] === "llm_unpriced");
    assert.equal(unpriced.length, 2, "every unpriced call is still recorded");
  });
});
