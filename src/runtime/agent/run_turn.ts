/**
 * The agent loop of one turn: stream the model, run its tool calls through
 * the interceptor, feed the results back, and repeat until the model stops,
 * `[agent] max_steps_per_turn` is reached, the budget is spent, the turn is
 * cancelled or the model call fails.
 *
 * Durability, step by step: each assistant message is appended when its
 * stream completes and is durable before any of its calls runs; each tool
 * result is appended when the call completes, in the same commit as its
 * audit outcome, and is durable before anything of the next step runs (its
 * commit overlaps the next model call, and may share a commit with the next
 * step's decision); a killed process loses at most the step in flight, and
 * `resume` closes what it left open. A partial answer (a cut stream, a
 * cancel) is not recorded as the model's: the turn ends with the reason.
 *
 * @module
 */

import {
  type CollectedToolCall,
  collectStream,
  type LlmRequest,
  type LlmUsage,
} from "../../llm/mod.ts";
import { AstridError } from "../../core/mod.ts";
import type { AgentEvent, TurnResult, TurnStatus } from "./agent_event.ts";
import { budgetRefusal, chargeUsage } from "./charge_usage.ts";
import { planCompaction, SUMMARY_SYSTEM, transcriptOf } from "./context_plan.ts";
import { runToolCall, skippedResult } from "./run_tool_call.ts";
import { historyOf, type RecordBody } from "./session_record.ts";
import type { AgentState, TurnEnv } from "./turn_env.ts";

/** What one streamed model call produced. */
interface ModelAnswer {
  readonly text: string;
  readonly toolCalls: readonly CollectedToolCall[];
  readonly usage: LlmUsage | undefined;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * Run `agent`'s turn until it ends. The user's message is already recorded
 * (with `activeTurn` set). Never throws: storage failures end the turn with
 * status `error`. Leaves `activeTurn` cleared and `lastTurn` set.
 */
export async function runTurnLoop(env: TurnEnv, agent: AgentState): Promise<TurnResult> {
  const maxSteps = env.host.rt.config.agent.max_steps_per_turn;
  let steps = 0;
  let text = "";
  // The previous step's result writes: not awaited before the next model call (they overlap
  // it), always before anything else runs and before the turn ends.
  let pending: Promise<unknown> = Promise.resolve();
  const end = async (
    status: TurnStatus,
    error?: { code: string; message: string },
    finalRecord?: RecordBody,
  ): Promise<TurnResult> => {
    if (error) {
      await env.emit({ kind: "error", sessionId: agent.sessionId, agent: agent.label, ...error });
    }
    const now = env.host.clock.now();
    const patch = (m: typeof agent.meta) => {
      const { activeTurn, ...rest } = m;
      return {
        ...rest,
        lastTurn: {
          id: env.turnId,
          no: agent.turnNo,
          status,
          startedAt: activeTurn?.startedAt ?? now,
          endedAt: now,
          ...(error ? { error: `${error.code}: ${error.message}` } : {}),
        },
      };
    };
    try {
      const closing = finalRecord
        ? agent.writer.append([{ turn: agent.turnNo, at: now, body: finalRecord }], patch)
        : env.host.sessions.update(agent.sessionId, patch);
      closing.catch(() => {});
      await pending;
      agent.meta = await closing;
    } catch (e) {
      if (!error) {
        error = storageError(e);
        status = "error";
        await env.emit({ kind: "error", sessionId: agent.sessionId, agent: agent.label, ...error });
      }
    }
    return {
      sessionId: agent.sessionId,
      turnId: env.turnId,
      status,
      steps,
      text,
      ...(error ? { error } : {}),
    };
  };

  try {
    for (;;) {
      if (env.signal.aborted) return await end("cancelled");
      const refusal = await budgetRefusal(env, agent);
      if (refusal) {
        return await end("budget_exceeded", { code: "BUDGET_EXCEEDED", message: refusal });
      }
      await compactIfNeeded(env, agent);
      if (env.signal.aborted) return await end("cancelled");

      const answer = await streamModel(env, agent, {
        model: env.host.model,
        system: agent.system,
        messages: historyOf(agent.summary, agent.bodies.map((b) => b.body)),
        tools: agent.specs,
        maxTokens: env.host.rt.config.llm.max_tokens,
      }, true);
      // Submitted now, so the charge shares a commit with the record written next.
      const charged = startCharge(env, agent, env.host.model, answer);
      if (answer.error) {
        await charged();
        // What was streamed is not the model's answer: nothing of it is recorded.
        return await end(
          answer.error.code === "aborted" ? "cancelled" : "error",
          answer.error.code === "aborted" ? undefined : answer.error,
        );
      }
      text = answer.text;
      const body: RecordBody = {
        kind: "assistant",
        text: answer.text,
        toolCalls: answer.toolCalls.map((c) => ({
          id: c.id,
          name: c.name,
          arguments: c.arguments,
        })),
      };
      if (answer.toolCalls.length === 0) {
        const ended = end("completed", undefined, body);
        await charged();
        return await ended;
      }

      const at = env.host.clock.now();
      const index = agent.writer.next;
      if (steps >= maxSteps) {
        // Recorded with a result for each call, so the history stays well-formed.
        const skipped = answer.toolCalls.map((c) => skippedResult(c, maxSteps));
        agent.bodies.push(
          { index, body },
          ...skipped.map((b, i) => ({ index: index + 1 + i, body: b })),
        );
        const written = agent.writer.append(
          [body, ...skipped].map((b) => ({ turn: agent.turnNo, at, body: b })),
        );
        await charged();
        await written;
        return await end("max_steps");
      }
      steps++;
      agent.bodies.push({ index, body });
      // Durable before any call runs (each allowed call awaits it); its commit overlaps the decisions.
      const recorded = agent.writer.append([{ turn: agent.turnNo, at, body }]);
      recorded.catch(() => {});
      const before = Promise.all([recorded, pending]);
      before.catch(() => {});
      // The charge's commit overlaps the decisions; its usage event comes when it lands.
      const [, calls] = await Promise.all([
        charged(),
        Promise.all(answer.toolCalls.map((call) => runToolCall(env, agent, call, before))),
      ]);
      agent.bodies.push(...calls.map((c) => c.result).sort((a, b) => a.index - b.index));
      pending = Promise.all([before, ...calls.map((c) => c.written)]);
      pending.catch(() => {});
    }
  } catch (e) {
    return await end("error", storageError(e));
  }
}

/**
 * Stream one model call, forwarding text deltas when `forward` is set. The
 * caller charges its usage (also when it failed after tokens were counted)
 * with {@link startCharge}, in the same tick as its next write.
 */
async function streamModel(
  env: TurnEnv,
  agent: AgentState,
  request: LlmRequest,
  forward: boolean,
): Promise<ModelAnswer> {
  const r = await collectStream(env.host.provider.stream(request, env.signal), {
    ...(forward
      ? {
        onText: (text: string) =>
          env.emit({ kind: "text", sessionId: agent.sessionId, agent: agent.label, text }),
      }
      : {}),
  });
  const { text, toolCalls, usage } = r;
  const error = r.error ? { code: r.error.code, message: r.error.message } : undefined;
  if (usage) agent.lastReportedTokens = usage.inputTokens + usage.outputTokens;
  return { text, toolCalls, usage, ...(error ? { error } : {}) };
}

/**
 * Submit the charge for `answer`'s usage now (its writes join whatever is
 * submitted in the same tick) and return a function that waits for it and
 * tells the frontend.
 */
function startCharge(
  env: TurnEnv,
  agent: AgentState,
  model: string,
  answer: ModelAnswer,
): () => Promise<void> {
  const usage = answer.usage;
  if (!usage) return () => Promise.resolve();
  const charging = chargeUsage(env, agent, model, usage);
  charging.catch(() => {});
  return async () => {
    const charged = await charging;
    await env.emit({
      kind: "usage",
      sessionId: agent.sessionId,
      agent: agent.label,
      model,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: charged.usd,
      sessionSpentUsd: agent.spentMicros / 1e6,
    });
  };
}

/**
 * Summarize older records when the next call would come close to the
 * context window. A failed summary is a warning: the call is sent as is.
 */
async function compactIfNeeded(env: TurnEnv, agent: AgentState): Promise<void> {
  const { rt } = env.host;
  const fixedChars = agent.system.length + JSON.stringify(agent.specs).length +
    (agent.summary?.length ?? 0);
  const plan = planCompaction(agent.bodies.map((b) => b.body), {
    contextWindow: rt.config.llm.context_window,
    maxTokens: rt.config.llm.max_tokens,
    fixedChars,
  }, agent.lastReportedTokens);
  if (!plan) return;
  const older = agent.bodies.slice(0, plan.splitAt);
  const transcript = transcriptOf(
    agent.summary,
    older.map((b) => b.body),
    Math.floor(rt.config.llm.context_window * 0.5 * 4),
  );
  const answer = await streamModel(env, agent, {
    model: env.host.model,
    system: SUMMARY_SYSTEM,
    messages: [{ role: "user", content: [{ kind: "text", text: transcript }] }],
    tools: [],
    maxTokens: Math.min(rt.config.llm.max_tokens, 4096),
  }, false);
  const warn = (message: string): Promise<void> =>
    env.emit({
      kind: "warning",
      sessionId: agent.sessionId,
      agent: agent.label,
      code: "summary_failed",
      message,
    });
  const charged = startCharge(env, agent, env.host.model, answer);
  if (answer.error || answer.text.trim() === "") {
    await charged();
    await warn(
      `could not summarize the earlier conversation (${
        answer.error ? `${answer.error.code}: ${answer.error.message}` : "empty summary"
      }); sending it as is`,
    );
    return;
  }
  const throughIndex = older[older.length - 1]!.index;
  const recordIndex = agent.writer.next;
  const body: RecordBody = { kind: "summary", text: answer.text, throughIndex };
  const recorded = agent.writer.append(
    [{ turn: agent.turnNo, at: env.host.clock.now(), body }],
    (m) => ({ ...m, summary: { recordIndex, throughIndex } }),
  );
  const audited = rt.audit.append({
    sessionId: agent.sessionId,
    principal: env.principal,
    kind: "event",
    summary:
      `Summarized ${older.length} earlier records (about ${plan.estimatedTokens} tokens in context)`,
    detail: {
      type: "context_summarized",
      records: older.length,
      throughIndex,
      estimatedTokens: plan.estimatedTokens,
      contextWindow: rt.config.llm.context_window,
      summaryChars: answer.text.length,
      requestedBy: agent.label,
    },
  });
  const [meta] = await Promise.all([recorded, audited]);
  await charged();
  agent.meta = meta;
  agent.summary = answer.text;
  agent.bodies = agent.bodies.slice(plan.splitAt);
  agent.lastReportedTokens = 0;
  await env.emit(
    {
      kind: "context_summarized",
      sessionId: agent.sessionId,
      agent: agent.label,
      records: older.length,
      estimatedTokens: plan.estimatedTokens,
    } satisfies AgentEvent,
  );
}

function storageError(e: unknown): { code: string; message: string } {
  return e instanceof AstridError
    ? { code: e.code, message: e.message }
    : { code: "INTERNAL", message: e instanceof Error ? e.message : String(e) };
}
