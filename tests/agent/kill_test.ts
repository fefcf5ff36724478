/**
 * A session survives `kill -9` between two tool calls: a real `deno run`
 * child runs a turn against the fake LLM server; its second tool call hangs
 * and the child is killed with SIGKILL. Reopened here, the session holds
 * every record up to the completed tool result (and the hanging call, which
 * was durable before it ran), the audit chain verifies, `resume` closes the
 * interrupted call on both records and audit log, and the next turn runs.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { createProvider } from "../../src/llm/mod.ts";
import { AgentHost, ApprovalBridge, INTERRUPTED_NOTE } from "../../src/runtime/agent/mod.ts";
import { openSecurityRuntime } from "../../src/runtime/mod.ts";
import type { AuditEntry } from "../../src/security/mod.ts";
import { listAuditEntries, verifyKvAuditLog } from "../../src/storage/mod.ts";
import { startFakeLlmServer } from "../llm/fake_llm_server.ts";
import { FileTools, MODEL, RecordingFrontend, toolCall } from "./_agent.ts";

const FIXTURE = new URL("./fixtures/kill_child.ts", import.meta.url).pathname;
const REPO = new URL("../../", import.meta.url).pathname;

/** Lines of the child's stdout until `until` appears (or the stream ends). */
async function readUntil(stream: ReadableStream<Uint8Array>, until: string): Promise<string[]> {
  const lines: string[] = [];
  let buffer = "";
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return lines;
      buffer += value;
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      lines.push(...parts);
      if (parts.includes(until)) return lines;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

Deno.test("a session survives kill -9 between two tool calls and resumes", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-kill-" }));
  const home = join(root, "home");
  const workspace = join(root, "ws");
  await Deno.mkdir(home, { mode: 0o700 });
  await Deno.mkdir(workspace);
  await Deno.writeTextFile(join(home, "config.toml"), '[workspace]\nmode = "guided"\n');
  await Deno.writeTextFile(join(workspace, "a.txt"), "content of a");
  await Deno.writeTextFile(join(workspace, "hang.txt"), "never read");
  await using server = startFakeLlmServer([
    { kind: "turn", toolCalls: [toolCall("call-a", "read_file", { path: "a.txt" })] },
    { kind: "turn", toolCalls: [toolCall("call-hang", "read_file", { path: "hang.txt" })] },
    { kind: "turn", text: ["Resumed: a.txt was read, hang.txt was interrupted."] },
  ]);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", FIXTURE, home, workspace, server.url],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let lines: string[];
  try {
    lines = await readUntil(child.stdout, "HANGING");
  } finally {
    child.kill("SIGKILL");
  }
  const status = await child.status;
  const stderr = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
  assert.ok(lines.includes("HANGING"), `the child never reached the hanging call:\n${stderr}`);
  assert.equal(status.signal, "SIGKILL");
  const sessionId = lines.find((l) => l.startsWith("SESSION "))!.slice("SESSION ".length);

  const bridge = new ApprovalBridge();
  const rt = await openSecurityRuntime({
    home,
    workspace,
    env: { ASTRID_SYSTEM_CONFIG: join(root, "no-system.toml") },
    channel: bridge,
  });
  try {
    assert.equal(rt.auditIntact, true, "the chain verified when the runtime opened");
    const host = new AgentHost({
      rt,
      approvals: bridge,
      tools: new FileTools(),
      model: MODEL,
      provider: createProvider({
        provider: "anthropic",
        model: MODEL,
        base_url: server.url,
        api_key: "sk-test-key",
        max_tokens: 256,
        context_window: 200_000,
        prices: {},
      }, {}),
    });
    const before = await host.history(sessionId, "local");
    assert.deepEqual(before.map((r) => r.body.kind), [
      "user",
      "assistant",
      "tool_result",
      "assistant",
    ]);
    const resultA = before[2]!.body;
    assert.equal(resultA.kind === "tool_result" && resultA.content, "content of a");
    const hang = before[3]!.body;
    assert.equal(hang.kind === "assistant" && hang.toolCalls[0]?.id, "call-hang");
    assert.ok((await host.openSession(sessionId, "local")).activeTurn, "the turn was in progress");

    const entries = async () => {
      const out: AuditEntry[] = [];
      for await (const e of listAuditEntries(rt.kv, { sessionId })) out.push(e);
      return out;
    };
    const decisions = (await entries()).filter((e) => e.kind === "decision");
    assert.equal(decisions.length, 2, "both calls were decided (and recorded) before running");

    const report = await host.resume(sessionId, "local");
    assert.deepEqual(report.interruptedCalls, ["call-hang"]);
    assert.equal(report.closedDecisions, 1);
    const after = await host.history(sessionId, "local");
    const last = after.at(-1)!.body;
    assert.equal(last.kind === "tool_result" && last.status, "interrupted");
    assert.equal(last.kind === "tool_result" && last.content, INTERRUPTED_NOTE);
    const audit = await entries();
    const hangDecision = decisions[1]!;
    const outcome = audit.find((e) => e.links?.decisionId === hangDecision.id);
    assert.equal(outcome?.outcome?.ok, false);
    assert.match(outcome?.outcome?.error ?? "", /interrupted/);
    assert.equal((await verifyKvAuditLog(rt.kv, { trusted: rt.keyring })).intact, true);

    const turn = await host.startTurn({
      sessionId,
      principal: "local",
      text: "What happened?",
      frontend: new RecordingFrontend(),
    });
    const result = await turn.done;
    assert.equal(result.status, "completed");
    assert.match(JSON.stringify(server.requests[2]?.body), /Interrupted: the runtime stopped/);
    assert.equal((await host.openSession(sessionId, "local")).lastTurn?.status, "completed");
  } finally {
    await rt.close();
    await Deno.remove(root, { recursive: true });
  }
});
