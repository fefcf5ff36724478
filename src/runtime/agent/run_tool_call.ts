/**
 * One tool call the model made, end to end: offered to this agent? ->
 * classified into canonical actions -> the interceptor -> on `allow` only,
 * run (after the assistant message is durable, and only if the actions are
 * still the approved ones) -> the outcome recorded in the audit log in the
 * same commit as the result record.
 *
 * Denials and deferrals go back to the model as tool results, so it can
 * adapt; they never throw. Whatever a tool returns is data: it is recorded
 * with its provenance (`tool:<name>`, `agent:<label>`) and the model receives
 * it wrapped as untrusted. Nothing in it is ever read as an answer, a mode or
 * a grant: the only way an approval reaches the interceptor is the
 * frontend's `TurnControl.answer`.
 *
 * @module
 */

import type { CollectedToolCall } from "../../llm/mod.ts";
import { actionHash, type Decision } from "../../security/mod.ts";
import { isInside, TASK_TOOL } from "./agent_scope.ts";
import type { IndexedBody, RecordBody, ToolResultStatus } from "./session_record.ts";
import { runTaskTool } from "./subagent.ts";
import type { ToolOutput } from "./tool_host.ts";
import type { AgentState, TurnEnv } from "./turn_env.ts";

/** Most characters of one tool result sent to the model (and recorded). */
export const MAX_RESULT_CHARS = 100_000;

type ToolResultBody = Extract<RecordBody, { kind: "tool_result" }>;

/** A call's result, and the writes that record it (submitted, maybe not yet durable). */
export interface CallResult {
  readonly result: IndexedBody;
  readonly written: Promise<unknown>;
}

/**
 * Run one call. `before` must settle before anything runs: the assistant
 * message proposing the call and the previous step's writes. Resolves once
 * the result and its audit outcome are submitted (one group commit);
 * `written` settles when they are durable. Never rejects: storage failures
 * reject `before` or `written`.
 */
export async function runToolCall(
  env: TurnEnv,
  agent: AgentState,
  call: CollectedToolCall,
  before: Promise<unknown>,
): Promise<CallResult> {
  const { rt, tools } = env.host;
  await env.emit({
    kind: "tool_started",
    sessionId: agent.sessionId,
    agent: agent.label,
    callId: call.id,
    tool: call.name,
    arguments: call.arguments,
  });
  const ctx = {
    sessionId: agent.sessionId,
    principal: env.principal,
    workspaceKey: rt.workspace,
    signal: env.signal,
  };
  const finish = async (
    status: ToolResultStatus,
    content: string,
    source: string,
    write?: () => Promise<unknown>,
  ): Promise<CallResult> => {
    const body: ToolResultBody = {
      kind: "tool_result",
      callId: call.id,
      toolName: call.name,
      source,
      content: clip(content),
      status,
    };
    const index = agent.writer.next;
    // Same tick: the record and the audit write share one commit.
    const appended = agent.writer.append([{ turn: agent.turnNo, at: env.host.clock.now(), body }]);
    const audited = write?.();
    const written = Promise.all([appended, audited]);
    written.catch(() => {});
    await env.emit({
      kind: "tool_result",
      sessionId: agent.sessionId,
      agent: agent.label,
      callId: call.id,
      tool: call.name,
      status,
      output: body.content,
    });
    return { result: { index, body }, written };
  };
  const refuse = (rule: string, reason: string) =>
    finish(
      "denied",
      `Denied before it ran (${rule}): ${reason}. The action did not run.`,
      "runtime",
      () =>
        rt.audit.append({
          sessionId: agent.sessionId,
          principal: env.principal,
          kind: "decision",
          summary: `${call.name}: ${reason}`,
          decision: "deny",
          stage: "policy",
          proof: { rule, reason },
          detail: { tool: call.name, requestedBy: agent.label },
        }),
    );

  if (!agent.specs.some((s) => s.name === call.name)) {
    return await refuse(
      "agent:tool_not_offered",
      `tool "${call.name}" is not among the tools of ${agent.label} (${
        agent.specs.map((s) => s.name).join(", ") || "none"
      })`,
    );
  }
  // The host's own classifier first (MCP path arguments), the runtime's otherwise.
  const classify = () =>
    tools.classify?.(call.name, call.arguments, agent.scope.root) ??
      rt.classify(call.name, call.arguments, agent.scope.root);
  const classified = classify();
  if (!classified.ok) return await refuse("classify:unresolvable", classified.reason);

  const toolCtx = {
    root: agent.scope.root,
    signal: env.signal,
    sessionId: agent.sessionId,
    requestedBy: agent.label,
    // Outside the agent's own folder (a sub-agent's is narrower than the workspace) counts.
    allowOutside: classified.actions.some((a) =>
      ("inWorkspace" in a && a.inWorkspace === false) ||
      ("path" in a && typeof a.path === "string" && !isInside(agent.scope.root, a.path))
    ),
  };
  const preview = call.name === TASK_TOOL
    ? `Sub-agent task for ${agent.label}: ${String(call.arguments["description"] ?? "")}`
    : await tools.preview?.(call.name, call.arguments, toolCtx).catch(() => undefined);
  const decision: Decision = await agent.interceptor.intercept({
    tool: call.name,
    actions: classified.actions,
    argBytes: classified.argBytes,
    requestedBy: agent.label,
    // A sub-agent's decisions link back to the agent that delegated the task.
    ...(agent.meta.parentSessionId !== undefined
      ? { parentSessionId: agent.meta.parentSessionId }
      : {}),
    ...(preview !== undefined ? { preview } : {}),
  }, ctx);
  if (decision.kind === "deny") {
    return await finish(
      "denied",
      `Denied by the ${decision.stage} check${decision.rule ? ` (${decision.rule})` : ""}: ` +
        `${decision.reason}. The action did not run.`,
      "runtime",
    );
  }
  if (decision.kind === "defer") {
    return await finish(
      "deferred",
      `Not run: ${decision.reason}. A human can approve it later with ` +
        `'astrid approvals allow ${decision.requestId}'; the same call made again after that will run.`,
      "runtime",
    );
  }

  await before;
  // What runs must be what was approved: classify again right before running.
  const now = classify();
  if (!now.ok || actionHash(now.actions) !== decision.actionHash) {
    const reason =
      "the call changed between approval and execution (a path now resolves elsewhere)";
    return await finish(
      "denied",
      `Not run: ${reason}.`,
      "runtime",
      () => agent.interceptor.complete(decision, ctx, { ok: false, error: reason }),
    );
  }
  let out: ToolOutput;
  let source = `tool:${call.name}`;
  try {
    if (call.name === TASK_TOOL) {
      const child = await runTaskTool(env, agent, call, decision);
      out = child.output;
      source = `agent:${child.label}`;
    } else {
      out = await tools.call(call.name, call.arguments, toolCtx);
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    out = { ok: false, output: `${call.name} failed: ${message}`, error: message };
  }
  const cancelled = env.signal.aborted && !out.ok;
  const status: ToolResultStatus = cancelled ? "cancelled" : out.ok ? "ok" : "error";
  const content = cancelled
    ? `Cancelled by the user while running. ${out.output}`.trim()
    : out.ok || out.output !== ""
    ? out.output
    : out.error ?? "failed";
  return await finish(status, content, source, () =>
    agent.interceptor.complete(decision, ctx, {
      ok: out.ok,
      ...(out.error !== undefined ? { error: clip(out.error, 2048) } : {}),
      summary: clip(out.output, 2048),
    }));
}

/** The result recorded for a call the turn's step limit stopped. */
export function skippedResult(call: CollectedToolCall, maxSteps: number): ToolResultBody {
  return {
    kind: "tool_result",
    callId: call.id,
    toolName: call.name,
    source: "runtime",
    content: `Not run: this turn reached its limit of ${maxSteps} tool steps ` +
      "([agent] max_steps_per_turn). Nothing was checked or executed; the user can continue in a new turn.",
    status: "skipped",
  };
}

function clip(text: string, max = MAX_RESULT_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[truncated: ${text.length} characters, limit ${max}]`;
}
