/**
 * The agent runtime's own overhead per tool call, side by side with the bare
 * interceptor decision it wraps. The model is an in-memory script that answers
 * at once and the tool is a no-op, so what is measured is the runtime: history,
 * classification, the decision, the outcome, the session records and the usage
 * charge, all on a real KV file.
 *
 * - "10 bare decisions": `rt.interceptor.intercept` ten times (the baseline);
 * - "10 bare decisions + outcomes": plus `complete()` for each, the least any
 *   caller that runs the tool must write;
 * - "turn with 10 tool calls" and "turn with no tool call": one whole turn
 *   each (session created, user message, model calls, tool steps, final
 *   answer); the difference divided by 10 is the overhead per tool call.
 *
 * Run: deno bench -A tests/bench/agent_bench.ts
 */

import { join } from "node:path";
import type { LlmEvent, LlmProvider, LlmRequest } from "../../src/llm/mod.ts";
import {
  AgentHost,
  ApprovalBridge,
  type Frontend,
  type ToolHost,
} from "../../src/runtime/agent/mod.ts";
import { openSecurityRuntime } from "../../src/runtime/mod.ts";

const STEPS = 10;
const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-agent-bench-" }));
const home = join(root, "home");
const workspace = join(root, "ws");
await Deno.mkdir(home, { mode: 0o700 });
await Deno.mkdir(workspace);
await Deno.writeTextFile(join(workspace, "a.txt"), "a");
await Deno.writeTextFile(
  join(home, "config.toml"),
  '[workspace]\nmode = "autonomous"\n[budget]\nsession_usd = 1000000\n' +
    '[llm.prices."bench-model"]\ninput_per_mtok = 1.0\noutput_per_mtok = 1.0\n' +
    `[agent]\nmax_steps_per_turn = ${STEPS}\n`,
);
const bridge = new ApprovalBridge();
const rt = await openSecurityRuntime({
  home,
  workspace,
  env: { ASTRID_SYSTEM_CONFIG: join(root, "none.toml") },
  channel: bridge,
});

/** Calls `read_file` until the turn holds `steps` results, then answers. */
function loopProvider(steps: number): LlmProvider {
  let n = 0;
  return {
    name: "bench",
    async *stream(request: LlmRequest): AsyncGenerator<LlmEvent> {
      await Promise.resolve();
      const last = request.messages[request.messages.length - 1];
      const done = last?.role === "tool"
        ? request.messages.filter((m) => m.role === "tool").length
        : 0;
      yield { kind: "usage", inputTokens: 100, outputTokens: 10 };
      if (done < steps) {
        const id = `c${n++}`;
        yield { kind: "tool_call_start", id, name: "read_file" };
        yield { kind: "tool_call_end", id, arguments: { path: "a.txt" } };
        yield { kind: "stop", reason: "tool_use" };
      } else {
        yield { kind: "text_delta", text: "done" };
        yield { kind: "stop", reason: "end_turn" };
      }
    },
  };
}

const noop: ToolHost = {
  specs: () => [{
    name: "read_file",
    description: "Read a file",
    inputSchema: { type: "object", properties: { path: { type: "string" } } },
  }],
  call: () => Promise.resolve({ ok: true, output: "" }),
};
const frontend: Frontend = { id: "bench", onEvent() {} };
const hostOf = (steps: number) =>
  new AgentHost({
    rt,
    approvals: bridge,
    provider: loopProvider(steps),
    tools: noop,
    model: "bench-model",
  });
const withTools = hostOf(STEPS);
const textOnly = hostOf(0);

async function oneTurn(host: AgentHost): Promise<void> {
  const s = await host.createSession({ principal: "bench" });
  const turn = await host.startTurn({ sessionId: s.id, principal: "bench", text: "go", frontend });
  const r = await turn.done;
  if (r.status !== "completed") throw new Error(`turn ended ${r.status}: ${r.error?.message}`);
}

const c = rt.classify("read_file", { path: "a.txt" });
if (!c.ok) throw new Error(c.reason);
const call = { tool: "read_file", actions: c.actions, argBytes: c.argBytes };
const ctx = { sessionId: "bare", principal: "bench", workspaceKey: rt.workspace };

Deno.bench("10 bare decisions (rt.interceptor.intercept)", {
  group: "per 10 tool calls",
  baseline: true,
}, async () => {
  for (let i = 0; i < STEPS; i++) {
    const d = await rt.interceptor.intercept(call, ctx);
    if (d.kind !== "allow") throw new Error(d.kind);
  }
});

Deno.bench("10 bare decisions + outcomes (intercept + complete)", {
  group: "per 10 tool calls",
}, async () => {
  for (let i = 0; i < STEPS; i++) {
    const d = await rt.interceptor.intercept(call, ctx);
    if (d.kind !== "allow") throw new Error(d.kind);
    await rt.interceptor.complete(d, ctx, { ok: true, summary: "" });
  }
});

Deno.bench(`turn with ${STEPS} tool calls (agent loop, scripted model, no-op tool)`, {
  group: "per 10 tool calls",
}, async () => {
  await oneTurn(withTools);
});

Deno.bench("turn with no tool call (the fixed cost of a turn)", {
  group: "per 10 tool calls",
}, async () => {
  await oneTurn(textOnly);
});

globalThis.addEventListener("unload", () => {
  rt.close().finally(() => Deno.removeSync(root, { recursive: true }));
});
