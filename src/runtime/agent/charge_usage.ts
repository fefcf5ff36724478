/**
 * Charging a model call's usage: to the session's budget account through
 * the decision store's ledger (with an audit entry), and to the session
 * record's spending, which rolls up to every parent.
 *
 * A model missing from `[llm.prices]` is not free and is not guessed: the
 * call is charged nothing, counted in the session's usage, recorded in the
 * audit log (one `llm_unpriced` event per call, with its token counts), and
 * the frontend is warned once per session per model (a sub-agent running in
 * the parent's turn shares the parent's warning).
 *
 * @module
 */

import { costOfUsage, type LlmUsage } from "../../llm/mod.ts";
import { usdToMicros } from "../../security/mod.ts";
import type { AgentState, TurnEnv } from "./turn_env.ts";

/** What a call cost; `usd` null when the model has no price. */
export interface Charged {
  readonly usd: number | null;
  readonly micros: number;
}

/**
 * Charge `usage` of `model` to `agent`'s session. Both writes are submitted
 * in the same tick, so they share one commit with whatever else is pending.
 */
export async function chargeUsage(
  env: TurnEnv,
  agent: AgentState,
  model: string,
  usage: LlmUsage,
): Promise<Charged> {
  const { rt, sessions, provider } = env.host;
  const cost = costOfUsage(usage, model, rt.config.llm.prices);
  const micros = cost.ok ? usdToMicros(cost.usd) : 0;
  const detail = {
    model,
    provider: provider.name,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    requestedBy: agent.label,
  };
  const ledger = cost.ok
    ? rt.store.charge({
      sessionId: agent.sessionId,
      principal: env.principal,
      workspaceKey: rt.workspace,
      micros,
      detail,
    })
    : rt.audit.append({
      sessionId: agent.sessionId,
      principal: env.principal,
      kind: "event",
      summary: `LLM usage not charged: ${cost.reason}`,
      detail: { type: "llm_unpriced", ...detail },
    });
  const meta = sessions.addUsage(agent.sessionId, {
    micros,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    ...(cost.ok ? {} : { unpricedModel: model }),
  });
  await Promise.all([ledger, meta]);
  for (let a: AgentState | undefined = agent; a; a = a.parent) a.spentMicros += micros;
  if (!cost.ok && !agent.warnedUnpriced.has(model)) {
    agent.warnedUnpriced.add(model);
    await env.emit({
      kind: "warning",
      sessionId: agent.sessionId,
      agent: agent.label,
      code: "llm_unpriced",
      message: `${cost.reason}; this call was charged nothing and recorded in the audit log`,
    });
  }
  return { usd: cost.ok ? cost.usd : null, micros };
}

/**
 * Why `agent` may not call the model now, or `undefined`: its own cap or any
 * ancestor's is spent. Ancestors running in this turn are checked from
 * memory; ancestors outside it are read from the store.
 */
export async function budgetRefusal(env: TurnEnv, agent: AgentState): Promise<string | undefined> {
  for (let a: AgentState | undefined = agent; a; a = a.parent) {
    if (a.spentMicros >= a.capMicros) return spentReason(a.label, a.spentMicros, a.capMicros);
  }
  const ids = agent.outsideAncestors;
  for (let i = 0; i < ids.length; i += 10) {
    const metas = await Promise.all(ids.slice(i, i + 10).map((id) => env.host.sessions.get(id)));
    for (const m of metas) {
      if (m === undefined) continue;
      const cap = m.parentSessionId === undefined
        ? usdToMicros(env.host.rt.config.budget.session_usd)
        : m.scope.budgetMicros;
      if (m.spentMicros >= cap) return spentReason(m.label, m.spentMicros, cap);
    }
  }
  return undefined;
}

function spentReason(label: string, spent: number, cap: number): string {
  return `the budget of ${label} is spent ($${(spent / 1e6).toFixed(6)} of $${
    (cap / 1e6).toFixed(6)
  })`;
}
