/**
 * Sub-agents through the `task` tool and `createSubAgent`, on a real
 * runtime: narrower scope checked at creation, audit links to the parent,
 * approvals labelled with the child, budgets carved out and rolled up, the
 * depth and concurrency limits.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { AstridError } from "../../src/core/mod.ts";
import type { AuditEntry } from "../../src/security/mod.ts";
import { listAuditEntries } from "../../src/storage/mod.ts";
import { type AgentFixture, RecordingFrontend, toolCall, withAgent } from "./_agent.ts";

const P = "local";
const PRICED = '[llm.prices."test-model"]\ninput_per_mtok = 3.0\noutput_per_mtok = 15.0\n';

async function audit(f: AgentFixture, sessionId?: string): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of listAuditEntries(f.rt.kv, sessionId ? { sessionId } : {})) out.push(e);
  return out;
}

async function run(f: AgentFixture, frontend = new RecordingFrontend()) {
  const s = await f.host.createSession({ principal: P });
  const turn = await f.host.startTurn({ sessionId: s.id, principal: P, text: "go", frontend });
  return { result: await turn.done, frontend, sessionId: s.id };
}

const refused = (pattern: RegExp) => (e: unknown) =>
  e instanceof AstridError && e.code === "SUBAGENT_REFUSED" && pattern.test(e.message);

Deno.test("task: the child works in its own session, every action audited with a link to the parent", async () => {
  await withAgent({
    config: '[workspace]\nmode = "guided"\n' + PRICED,
    script: [
      {
        kind: "turn",
        toolCalls: [
          toolCall("t", "task", {
            description: "read notes",
            prompt: "Read notes.txt",
            tools: ["read_file"],
          }),
        ],
      },
      { kind: "turn", toolCalls: [toolCall("c1", "read_file", { path: "notes.txt" })] },
      { kind: "turn", text: ["The notes say: hello"], usage: { input: 1000, output: 0 } },
      { kind: "turn", text: ["My sub-agent read them."] },
    ],
  }, async (f) => {
    await Deno.writeTextFile(join(f.workspace, "notes.txt"), "hello");
    const { result, frontend, sessionId } = await run(f);
    assert.equal(result.status, "completed");
    const [started] = frontend.of("subagent_started");
    assert.equal(started?.agent, "agent/task-1");
    assert.equal(started?.parentSessionId, sessionId);
    const childId = started!.sessionId;
    const child = await f.host.openSession(childId, P);
    assert.equal(child.parentSessionId, sessionId);
    assert.equal(child.label, "agent/task-1");
    assert.deepEqual(child.scope.tools, ["read_file"]);
    assert.equal(child.scope.depth, 1);
    assert.equal(child.lastTurn?.status, "completed");
    // The child's first audit entry links it to its parent.
    const childEntries = await audit(f, childId);
    assert.equal(childEntries[0]?.detail?.["type"], "subagent_created");
    assert.equal(childEntries[0]?.links?.parentSessionId, sessionId);
    const read = childEntries.find((e) => e.kind === "decision");
    assert.equal(read?.decision, "allow");
    assert.equal(read?.detail?.["requestedBy"], "agent/task-1");
    assert.equal(
      read?.links?.parentSessionId,
      sessionId,
      "each child decision links to the parent",
    );
    assert.equal(f.tools.calls[0]?.ctx.requestedBy, "agent/task-1");
    // The child's answer returns to the parent as untrusted data from the child.
    const r = frontend.of("tool_result").find((e) => e.callId === "t");
    assert.equal(r?.output, "The notes say: hello");
    const parentRecords = await f.host.history(sessionId, P);
    const rec = parentRecords.find((x) => x.body.kind === "tool_result");
    assert.equal(rec?.body.kind === "tool_result" && rec.body.source, "agent:agent/task-1");
    // Spending: charged to the child's own account, and counted against the parent.
    const childBudget = await f.rt.store.budgetOf(childId, f.rt.workspace);
    assert.ok(childBudget.session.spentMicros >= 3000);
    const parent = await f.host.openSession(sessionId, P);
    assert.ok(
      parent.spentMicros >= child.spentMicros + 30,
      "the parent's spending includes the child's",
    );
    // The parent's task call has its outcome.
    const task = (await audit(f, sessionId)).find((e) => e.detail?.["tool"] === "task");
    const outcome = (await audit(f, sessionId)).find((e) => e.links?.decisionId === task?.id);
    assert.equal(outcome?.outcome?.ok, true);
  });
});

Deno.test("task: a child asking for a tool its parent lacks is refused at creation", async () => {
  await withAgent({
    config: '[workspace]\nmode = "guided"\n',
    script: [
      {
        kind: "turn",
        toolCalls: [toolCall("t", "task", { description: "x", prompt: "x", tools: ["bash"] })],
      },
      { kind: "turn", text: ["I see."] },
    ],
  }, async (f) => {
    const { result, frontend, sessionId } = await run(f);
    assert.equal(result.status, "completed");
    const r = frontend.of("tool_result")[0];
    assert.equal(r?.status, "error");
    assert.match(
      r?.output ?? "",
      /refused at creation: tool "bash" is not available to the parent/,
    );
    assert.equal(frontend.of("subagent_started").length, 0);
    assert.deepEqual(
      (await f.host.sessions.list()).map((m) => m.id),
      [sessionId],
      "no child session",
    );
    const entries = await audit(f, sessionId);
    const task = entries.find((e) => e.detail?.["tool"] === "task");
    const outcome = entries.find((e) => e.links?.decisionId === task?.id);
    assert.equal(outcome?.outcome?.ok, false);
    assert.match(outcome?.outcome?.error ?? "", /bash/);
  });
});

Deno.test("createSubAgent() refuses, at creation, anything wider than the parent", async (t) => {
  await withAgent(
    { config: '[workspace]\nmode = "guided"\n[agent]\nsubagent_max_depth = 1\n' },
    async (f) => {
      const parent = await f.host.createSession({ principal: P });
      await Deno.mkdir(join(f.workspace, "sub"));
      await t.step("a folder outside the parent's", async () => {
        await assert.rejects(
          f.host.createSubAgent(parent.id, P, { description: "x", root: f.root }),
          refused(/folder ".*" is outside the parent's folder/),
        );
      });
      await t.step("a looser mode", async () => {
        await assert.rejects(
          f.host.createSubAgent(parent.id, P, { description: "x", mode: "autonomous" }),
          refused(/mode "autonomous" is looser than the parent's mode "guided"/),
        );
      });
      await t.step("a looser escape policy", async () => {
        const strict = await f.host.createSubAgent(parent.id, P, {
          description: "x",
          escapePolicy: "deny",
        });
        await assert.rejects(
          f.host.createSubAgent(strict.id, P, { description: "y", escapePolicy: "ask" }),
          refused(/escape policy "ask" is looser|nest 1 deep/),
        );
      });
      await t.step("more budget than the parent has", async () => {
        await assert.rejects(
          f.host.createSubAgent(parent.id, P, { description: "x", budgetMicros: 6_000_000 }),
          refused(/budget \$6\.00 is more than the parent has left to give \(\$5\.00\)/),
        );
      });
      await t.step("deeper than subagent_max_depth", async () => {
        const child = await f.host.createSubAgent(parent.id, P, { description: "x" });
        assert.ok(
          !child.scope.tools.includes("task"),
          "a child at the depth limit cannot delegate",
        );
        await assert.rejects(
          f.host.createSubAgent(child.id, P, { description: "y" }),
          refused(
            /may nest 1 deep \(\[agent\] subagent_max_depth = 1\); this one would be at depth 2/,
          ),
        );
      });
      await t.step("a tool the parent does not hold", async () => {
        await assert.rejects(
          f.host.createSubAgent(parent.id, P, { description: "x", tools: ["read_file", "bash"] }),
          refused(/tool "bash" is not available to the parent/),
        );
      });
      await t.step("narrower is fine", async () => {
        const child = await f.host.createSubAgent(parent.id, P, {
          description: "x",
          tools: ["read_file"],
          root: join(f.workspace, "sub"),
          mode: "safe",
          budgetMicros: 1_000_000,
        });
        assert.deepEqual(child.scope, {
          tools: ["read_file"],
          root: join(f.workspace, "sub"),
          mode: "safe",
          escapePolicy: "ask",
          budgetMicros: 1_000_000,
          depth: 1,
        });
      });
    },
  );
});

Deno.test("a child's stricter mode and narrower folder are enforced; its requests reach the human labelled with the child", async () => {
  await withAgent({
    config: '[workspace]\nmode = "guided"\n',
    script: [
      {
        kind: "turn",
        toolCalls: [
          toolCall("in", "read_file", { path: "mine.txt" }),
          toolCall("out", "read_file", { path: "../other.txt" }),
        ],
      },
      { kind: "turn", text: ["done"] },
    ],
  }, async (f) => {
    const sub = join(f.workspace, "sub");
    await Deno.mkdir(sub);
    await Deno.writeTextFile(join(sub, "mine.txt"), "mine");
    await Deno.writeTextFile(join(f.workspace, "other.txt"), "other");
    const parent = await f.host.createSession({ principal: P });
    const child = await f.host.createSubAgent(parent.id, P, {
      description: "x",
      root: sub,
      mode: "safe",
      tools: ["read_file"],
    });
    const frontend = new RecordingFrontend((r) =>
      r.summary.join().includes("mine") ? "allow_once" : "deny"
    );
    const turn = await f.host.startTurn({
      sessionId: child.id,
      principal: P,
      text: "go",
      frontend,
    });
    assert.equal((await turn.done).status, "completed");
    // Safe mode asks even for a read inside its folder (the runtime itself runs guided).
    const asked = frontend.of("approval_needed");
    assert.equal(asked.length, 2);
    for (const a of asked) {
      assert.equal(a.agent, "agent/task-1");
      assert.equal(a.request.requestedBy, "agent/task-1");
      assert.equal(a.request.sessionId, child.id);
    }
    // The read outside the child's folder (inside the workspace) counts as an escape.
    const escape = asked.find((a) => a.request.summary.join().includes("other.txt"));
    assert.match(escape?.request.reason ?? "", /outside the workspace|escape/i);
    const results = frontend.of("tool_result");
    assert.equal(results.find((r) => r.callId === "in")?.status, "ok");
    assert.equal(results.find((r) => r.callId === "out")?.status, "denied");
  });
});

Deno.test("a child's spending counts against its parent; a child over its carve-out stops", async () => {
  await withAgent({
    config: '[workspace]\nmode = "guided"\n[budget]\nsession_usd = 0.01\naction_usd = 0.01\n' +
      "[agent]\nsubagent_concurrency = 2\n" + PRICED,
    script: [
      { kind: "turn", toolCalls: [toolCall("t", "task", { description: "x", prompt: "x" })] },
      // The child's first call costs $0.006, over its share of about $0.005.
      {
        kind: "turn",
        toolCalls: [toolCall("c", "list_directory", {})],
        usage: { input: 2000, output: 0 },
      },
      { kind: "turn", text: ["parent goes on"] },
    ],
  }, async (f) => {
    const { result, frontend, sessionId } = await run(f);
    assert.equal(result.status, "completed");
    const child = frontend.of("subagent_finished")[0];
    assert.equal(child?.status, "budget_exceeded");
    const childMeta = await f.host.openSession(child!.sessionId, P);
    // A parent call (10 in, 5 out) costs 105 micro-USD; the child gets half of what is left.
    assert.equal(childMeta.scope.budgetMicros, Math.floor((10_000 - 105) / 2));
    assert.equal(childMeta.spentMicros, 6000);
    const parent = await f.host.openSession(sessionId, P);
    assert.equal(
      parent.spentMicros,
      105 + 6000 + 105,
      "the child's spending counts for the parent",
    );
    assert.equal(f.server!.requests.length, 3);
  });
});

Deno.test("subagent_concurrency = 1 runs parallel task calls one after the other", async () => {
  await withAgent({
    config: "[agent]\nsubagent_concurrency = 1\n",
    script: [
      {
        kind: "turn",
        toolCalls: [
          toolCall("a", "task", { description: "a", prompt: "a", tools: [] }),
          toolCall("b", "task", { description: "b", prompt: "b", tools: [] }),
          toolCall("c", "task", { description: "c", prompt: "c", tools: [] }),
        ],
      },
      { kind: "turn", text: ["child done"] },
      { kind: "turn", text: ["child done"] },
      { kind: "turn", text: ["child done"] },
      { kind: "turn", text: ["all done"] },
    ],
  }, async (f) => {
    const { result, frontend } = await run(f);
    assert.equal(result.status, "completed");
    const sequence = frontend.events
      .filter((e) => e.kind === "subagent_started" || e.kind === "subagent_finished")
      .map((e) => e.kind);
    assert.deepEqual(sequence, [
      "subagent_started",
      "subagent_finished",
      "subagent_started",
      "subagent_finished",
      "subagent_started",
      "subagent_finished",
    ]);
    assert.deepEqual(
      frontend.of("subagent_started").map((e) => e.agent).sort(),
      ["agent/task-1", "agent/task-2", "agent/task-3"],
    );
  });
});

Deno.test("a child at the depth limit is not offered the task tool, and calling it is denied", async () => {
  await withAgent({
    config: "[agent]\nsubagent_max_depth = 1\n",
    script: [
      { kind: "turn", toolCalls: [toolCall("t", "task", { description: "a", prompt: "a" })] },
      { kind: "turn", toolCalls: [toolCall("t2", "task", { description: "b", prompt: "b" })] },
      { kind: "turn", text: ["could not delegate"] },
      { kind: "turn", text: ["done"] },
    ],
  }, async (f) => {
    const { result, frontend } = await run(f);
    assert.equal(result.status, "completed");
    const inner = frontend.of("tool_result").find((r) => r.callId === "t2");
    assert.equal(inner?.agent, "agent/task-1");
    assert.equal(inner?.status, "denied");
    assert.match(inner?.output ?? "", /tool "task" is not among the tools of agent\/task-1/);
    const sent = f.server!.requests[1]!.body as { tools?: { name: string }[] };
    assert.ok(!(sent.tools ?? []).some((t) => t.name === "task"));
  });
});

Deno.test("task: the child's approval request reaches the parent's frontend, labelled with the child", async () => {
  await withAgent({
    config: '[workspace]\nmode = "guided"\n',
    script: [
      { kind: "turn", toolCalls: [toolCall("t", "task", { description: "w", prompt: "write" })] },
      { kind: "turn", toolCalls: [toolCall("w", "write_file", { path: "c.txt", content: "c" })] },
      { kind: "turn", text: ["child wrote"] },
      { kind: "turn", text: ["parent done"] },
    ],
  }, async (f) => {
    const frontend = new RecordingFrontend((r) =>
      r.requestedBy === "agent/task-1" ? "allow_once" : "deny"
    );
    const { result, sessionId } = await run(f, frontend);
    assert.equal(result.status, "completed");
    const [asked] = frontend.of("approval_needed");
    assert.equal(asked?.agent, "agent/task-1");
    assert.notEqual(asked?.request.sessionId, sessionId, "asked in the child's own session");
    assert.equal(await Deno.readTextFile(join(f.workspace, "c.txt")), "c");
    const decision = (await audit(f, asked!.request.sessionId)).find((e) => e.kind === "decision");
    assert.equal(decision?.detail?.["requestedBy"], "agent/task-1");
    assert.equal(decision?.proof?.approval?.answeredBy, "test:frontend");
    assert.equal(f.bridge.waiting().length, 0);
  });
});
