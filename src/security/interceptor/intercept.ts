/**
 * The SecurityInterceptor: every proposed tool call passes five checks in the
 * seed's order, and both the admin policy and the human's authorization must
 * agree before anything runs.
 *
 *   1. policy   admin hard boundaries; a block here is final (no token or
 *               approval is ever consulted after a policy deny)
 *   2. token    a signed token or a session allowance covering every action
 *               skips the prompt
 *   3. budget   the cost is checked here and reserved atomically at commit
 *   4. approval the human answers Allow Once / Session / Always / Deny; when
 *               nobody answers in time the request is queued, never run
 *   5. audit    exactly one decision entry per call, committed (with the
 *               reservation) before the caller may run the action; if that
 *               write fails the call is not allowed (fail closed)
 *
 * This file is the shell: it does I/O only through the ports in `ports.ts`.
 * Every verdict is a value; nothing here throws to signal a denial.
 *
 * @module
 */

import { type Clock, type Random, randomId } from "../../core/mod.ts";
import { type Action, type RiskLevel, riskOf, summarize } from "../action.ts";
import { actionHash } from "../approval/action_hash.ts";
import { allowanceCovers, allowancePatternFor, type CommandKey } from "../approval/allowance.ts";
import type { ApprovalAnswer, ApprovalChannel, ApprovalRequest } from "../approval/approval.ts";
import type { DenialLimits } from "../approval/denial_counter.ts";
import { type BudgetLimits, planReservation, usdToMicros } from "../budget/budget_math.ts";
import type {
  AuthorizationProof,
  DecisionRecord,
  DecisionStore,
  EntryRef,
  SessionAllowance,
  SessionSecurityState,
  Stage,
  StageVerdict,
  TokenGate,
  TokenMatch,
} from "./ports.ts";

/** One proposed tool call, already classified into canonical actions. */
export interface ProposedCall {
  readonly tool: string;
  readonly actions: readonly Action[];
  /** Size of the raw arguments, for the policy's argument-size limit. */
  readonly argBytes: number;
  /** Estimated cost to reserve, in USD (0 when the action itself costs nothing). */
  readonly costUsd?: number;
  /** What the human sees besides the summary: a diff, or the command and cwd. */
  readonly preview?: string;
  /** `agent`, or a sub-agent label. */
  readonly requestedBy?: string;
  /** For a sub-agent's call: the session of the agent that delegated it (linked in the audit entry). */
  readonly parentSessionId?: string;
  readonly capsule?: string;
}

/** Who is asking, and where. */
export interface CallContext {
  readonly sessionId: string;
  readonly principal: string;
  /** Key of the workspace budget account (e.g. the canonical workspace path). */
  readonly workspaceKey: string;
  readonly signal?: AbortSignal;
}

/** The interceptor's answer. Only `allow` lets the caller run the action. */
export type Decision =
  | {
    readonly kind: "allow";
    readonly entry: EntryRef;
    readonly actionHash: string;
    readonly via: NonNullable<AuthorizationProof["via"]>;
    readonly reservation?: { id: string; workspaceKey: string; amountMicros: number };
    readonly tokenId?: string;
    readonly warning?: string;
  }
  | {
    readonly kind: "deny";
    readonly entry: EntryRef;
    readonly actionHash: string;
    readonly stage: Stage;
    readonly rule?: string;
    readonly reason: string;
  }
  | {
    readonly kind: "defer";
    readonly entry: EntryRef;
    readonly actionHash: string;
    readonly requestId: string;
    readonly reason: string;
  };

/** What `dryRun()` reports. */
export interface DryRunResult {
  readonly decision: "allow" | "ask" | "deny";
  readonly stage: Stage;
  readonly rule?: string | undefined;
  readonly reason: string;
  readonly actionHash: string;
}

type AskVerdict = Extract<StageVerdict, { kind: "ask" }>;
type Via = NonNullable<AuthorizationProof["via"]>;
type Plan = Extract<ReturnType<typeof planReservation>, { kind: "ok" }>;
type Common = {
  policyNote: string;
  plan: Plan;
  token?: TokenMatch;
  allowanceId?: string;
  consumeDeferred?: string;
};
type Verdict =
  | { kind: "deny"; stage: Stage; rule: string; reason: string; policyNote: string }
  | ({ kind: "allow"; via: Via } & Common)
  | ({ kind: "ask"; asked: AskVerdict } & Common);

/** Tunables, from `[approval]` and `[budget]`. */
export interface InterceptorConfig {
  readonly approvalTimeoutMs: number;
  /** How long a queued request waits for `astrid approvals` before expiring into a denial. */
  readonly deferredTtlMs: number;
  readonly denialLimits: DenialLimits;
  readonly budget: BudgetLimits;
}

/** Everything the interceptor needs, injected. */
export interface InterceptorDeps {
  /** Stage 1 for one action (admin policy; `ask` for always-ask tools). */
  policy(action: Action, meta: { tool: string; argBytes: number; capsule?: string }): StageVerdict;
  /** Workspace mode: `allow` auto-approves, `ask` needs a human, `deny` is the escape policy. */
  mode(action: Action): StageVerdict;
  readonly tokens: TokenGate;
  readonly store: DecisionStore;
  readonly channel: ApprovalChannel;
  readonly commandKey: CommandKey;
  readonly clock: Clock;
  readonly random: Random;
  readonly config: InterceptorConfig;
}

const RISK_ORDER: readonly RiskLevel[] = ["low", "medium", "high", "critical"];

/** The security interceptor. One instance serves every session of a runtime. */
export class SecurityInterceptor {
  readonly #d: InterceptorDeps;

  constructor(deps: InterceptorDeps) {
    this.#d = deps;
  }

  /** Run the five checks for `call` and record exactly one decision entry. */
  async intercept(call: ProposedCall, ctx: CallContext): Promise<Decision> {
    const d = this.#d;
    const hash = actionHash(call.actions);
    const base = {
      sessionId: ctx.sessionId,
      principal: ctx.principal,
      requestedBy: call.requestedBy ?? "agent",
      ...(call.parentSessionId ? { parentSessionId: call.parentSessionId } : {}),
      tool: call.tool,
      actions: call.actions,
      actionHash: hash,
    };
    const costMicros = usdToMicros(call.costUsd ?? 0);
    const deny = (stage: Stage, rule: string | undefined, reason: string, policy: string) =>
      this.#commitDenial({ ...base, stage, rule, reason, proof: { policy }, costMicros }, hash);

    const state = await d.store.readState(ctx.sessionId, ctx.workspaceKey);
    const v = await this.#evaluate(call, ctx, state, hash, costMicros);
    if (v.kind === "deny") return deny(v.stage, v.rule, v.reason, v.policyNote);
    const { policyNote, plan, token, allowanceId, consumeDeferred } = v;
    // An "ask" that ends in an allow can only be the human's approval.
    const via: Via = v.kind === "allow" ? v.via : "approval";

    // 4. Approval.
    let approval: AuthorizationProof["approval"];
    let allowances: SessionAllowance[] | undefined;
    let mintAlways = false;
    if (v.kind === "ask") {
      const asked = v.asked;
      const request = this.#request(call, ctx, hash, asked.reason);
      const answer = await this.#ask(request, ctx.signal);
      if (answer.kind === "unavailable") {
        const entry = await this.#commitOrFailClosed({
          record: {
            ...base,
            decision: "defer",
            stage: "approval",
            rule: asked.rule,
            reason: `waiting for a human: ${answer.reason}`,
            proof: { policy: policyNote },
            costMicros,
          },
          deferred: { ...request, expiresAt: d.clock.now() + d.config.deferredTtlMs },
          countsAsDenial: false,
        });
        if ("failed" in entry) return entry.failed(hash);
        return {
          kind: "defer",
          entry: entry.entry,
          actionHash: hash,
          requestId: request.id,
          reason: `pending human approval (request ${request.id}): ${answer.reason}`,
        };
      }
      if (answer.actionHash !== hash) {
        return deny(
          "approval",
          "approval:mismatch",
          "the answer was for a different action than the one about to run",
          policyNote,
        );
      }
      approval = {
        requestId: request.id,
        decision: answer.decision,
        answeredBy: answer.answeredBy,
      };
      if (answer.decision === "deny") {
        return this.#commitDenial({
          ...base,
          stage: "approval",
          rule: "human",
          reason: `denied by ${answer.answeredBy}`,
          proof: { policy: policyNote, approval },
          costMicros,
        }, hash);
      }
      if (request.rememberable && answer.decision === "allow_session") {
        allowances = this.#allowancesFor(call.actions);
      }
      mintAlways = request.rememberable && answer.decision === "allow_always";
    }

    // 5. Audit, with the reservation, in one atomic commit.
    const reservation = costMicros > 0
      ? { id: randomId(d.random), amountMicros: costMicros, workspaceKey: ctx.workspaceKey }
      : undefined;
    const proof: AuthorizationProof = {
      policy: policyNote,
      via,
      ...(token ? { tokenId: token.tokenId, tokenHash: token.tokenHash } : {}),
      ...(allowanceId ? { allowanceId } : {}),
      ...(approval ? { approval } : {}),
    };
    const record: DecisionRecord = {
      ...base,
      decision: "allow",
      stage: via === "mode" ? "policy" : via === "approval" ? "approval" : "token",
      reason: reasonFor(via, approval?.decision),
      proof,
      costMicros,
    };
    // Revocation, single-use spending, a pause and the budget are re-checked in the commit.
    const committed = await this.#commitOrFailClosed({
      record,
      ...(token ? { token: { tokenId: token.tokenId, singleUse: token.singleUse } } : {}),
      ...(reservation ? { reservation } : {}),
      ...(allowances ? { allowances } : {}),
      ...(consumeDeferred ? { consumeDeferred } : {}),
      countsAsDenial: false,
    });
    if ("failed" in committed) return committed.failed(hash);
    if (committed.rejected) {
      return { kind: "deny", entry: committed.entry, actionHash: hash, ...committed.rejected };
    }
    let tokenId = token?.tokenId;
    if (mintAlways) {
      const minted = await d.tokens.mintAlways(call.actions, {
        principal: ctx.principal,
        sessionId: ctx.sessionId,
        entry: committed.entry,
      });
      tokenId = minted?.tokenId ?? tokenId;
    }
    return {
      kind: "allow",
      entry: committed.entry,
      actionHash: hash,
      via,
      ...(reservation ? { reservation } : {}),
      ...(tokenId ? { tokenId } : {}),
      ...(plan.warning ? { warning: plan.warning } : {}),
    };
  }

  /**
   * The decision `intercept()` would reach before asking anyone, with nothing
   * executed, consumed or recorded (`astrid policy check`). `ask` means a human
   * would be asked.
   */
  async dryRun(call: ProposedCall, ctx: CallContext): Promise<DryRunResult> {
    const hash = actionHash(call.actions);
    const state = await this.#d.store.readState(ctx.sessionId, ctx.workspaceKey);
    const v = await this.#evaluate(call, ctx, state, hash, usdToMicros(call.costUsd ?? 0));
    switch (v.kind) {
      case "deny":
        return {
          decision: "deny",
          stage: v.stage,
          rule: v.rule,
          reason: v.reason,
          actionHash: hash,
        };
      case "ask":
        return {
          decision: "ask",
          stage: "approval",
          rule: v.asked.rule,
          reason: v.asked.reason,
          actionHash: hash,
        };
      case "allow":
        return {
          decision: "allow",
          stage: v.via === "mode" ? "policy" : "token",
          rule: v.via === "token" ? `token:${v.token?.tokenId}` : v.via,
          reason: reasonFor(v.via, undefined),
          actionHash: hash,
        };
    }
  }

  /** Stages 1 to 3, read-only: policy, workspace mode, token cover and the budget pre-check. */
  async #evaluate(
    call: ProposedCall,
    ctx: CallContext,
    state: SessionSecurityState,
    hash: string,
    costMicros: number,
  ): Promise<Verdict> {
    const d = this.#d;
    const denyAt = (stage: Stage, rule: string, reason: string, policyNote: string): Verdict => ({
      kind: "deny",
      stage,
      rule,
      reason,
      policyNote,
    });
    if (!state.auditIntact) {
      return denyAt(
        "audit",
        "audit:chain_broken",
        "the audit chain failed verification; risky actions are refused until a human acknowledges it",
        "not evaluated",
      );
    }
    if (state.denials.paused) {
      return denyAt(
        "approval",
        "session:paused",
        `session paused after ${
          state.denials.pausedReason ?? "too many denials"
        }; a human must resume it`,
        "not evaluated",
      );
    }

    // 1. Policy, then the workspace escape policy: both final before any token.
    const sv = staticVerdict(call, d.policy, d.mode);
    if (sv.kind === "deny") {
      return denyAt("policy", sv.rule, sv.reason, `denied by ${sv.rule}`);
    }
    const { policyAsk, modeAsk } = sv;
    const policyNote = policyAsk ? `ask (${policyAsk.rule})` : "passed";

    // 2. Token: every action covered by an allowance or a valid token skips the prompt,
    // unless the admin policy itself demands a human (always-ask tools).
    let via: Via | undefined = modeAsk || policyAsk ? undefined : "mode";
    let token: TokenMatch | undefined;
    let allowanceId: string | undefined;
    let consumeDeferred: string | undefined;
    if (via === undefined && !policyAsk) {
      const cover = await this.#cover(call.actions, state.allowances, ctx);
      if (cover) {
        via = cover.via;
        token = cover.token;
        allowanceId = cover.allowanceId;
      }
    }
    if (via === undefined) {
      // A queued request a human approved later counts as that human's answer.
      consumeDeferred = await d.store.findApprovedDeferred(ctx.sessionId, hash);
      if (consumeDeferred) via = "deferred_approval";
    }

    // 3. Budget: refuse early when it cannot fit; the commit re-checks atomically.
    const plan = planReservation(d.config.budget, costMicros, state.budget, state.workspaceBudget);
    if (plan.kind === "deny") {
      return denyAt("budget", `budget:${plan.limit}`, plan.reason, policyNote);
    }
    const common = {
      policyNote,
      plan,
      ...(token ? { token } : {}),
      ...(allowanceId ? { allowanceId } : {}),
      ...(consumeDeferred ? { consumeDeferred } : {}),
    };
    if (via !== undefined) return { kind: "allow", via, ...common };
    return { kind: "ask", asked: (policyAsk ?? modeAsk)!, ...common };
  }

  /**
   * Record what happened after an allowed action ran (or failed, or was
   * aborted), linked to its decision entry; settles or refunds the reservation.
   */
  complete(
    decision: Extract<Decision, { kind: "allow" }>,
    ctx: CallContext,
    outcome: { ok: boolean; error?: string; actualCostUsd?: number; summary?: string },
  ): Promise<EntryRef> {
    const actual = outcome.ok ? usdToMicros(outcome.actualCostUsd ?? 0) : 0;
    return this.#d.store.complete({
      decision: decision.entry,
      sessionId: ctx.sessionId,
      principal: ctx.principal,
      ...(decision.reservation ? { reservation: decision.reservation } : {}),
      actualMicros: actual,
      ok: outcome.ok,
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      ...(outcome.summary !== undefined ? { summary: outcome.summary } : {}),
    });
  }

  async #cover(
    actions: readonly Action[],
    allowances: readonly SessionAllowance[],
    ctx: CallContext,
  ): Promise<
    { via: "token" | "allowance"; token?: TokenMatch; allowanceId?: string } | undefined
  > {
    if (actions.length === 0) return undefined;
    let token: TokenMatch | undefined;
    let allowanceId: string | undefined;
    for (const action of actions) {
      const a = allowances.find((al) => allowanceCovers(al, action, this.#d.commandKey));
      if (a) {
        allowanceId ??= a.id;
        continue;
      }
      if (action.kind === "command" && (action.inlineEval || action.unparseable)) return undefined;
      const t = await this.#d.tokens.find(action, ctx);
      if (!t) return undefined;
      // At most one single-use token per call, so consumption stays all-or-nothing.
      if (t.singleUse && token?.singleUse) return undefined;
      if (!token || t.singleUse) token = t;
    }
    return token
      ? { via: "token", token, ...(allowanceId ? { allowanceId } : {}) }
      : { via: "allowance", ...(allowanceId ? { allowanceId } : {}) };
  }

  #allowancesFor(actions: readonly Action[]): SessionAllowance[] {
    const out: SessionAllowance[] = [];
    for (const action of actions) {
      const p = allowancePatternFor(action, this.#d.commandKey);
      if (!p) continue;
      out.push({
        id: randomId(this.#d.random),
        pattern: p.pattern,
        permission: p.permission,
        createdAt: this.#d.clock.now(),
        auditEntryId: "",
      });
    }
    return out;
  }

  #request(call: ProposedCall, ctx: CallContext, hash: string, reason: string): ApprovalRequest {
    const risk = call.actions.map(riskOf).reduce<RiskLevel>(
      (a, b) => RISK_ORDER.indexOf(b) > RISK_ORDER.indexOf(a) ? b : a,
      "low",
    );
    const rememberable = call.actions.every((a) =>
      allowancePatternFor(a, this.#d.commandKey) !== undefined
    );
    return {
      id: randomId(this.#d.random, 8),
      sessionId: ctx.sessionId,
      principal: ctx.principal,
      requestedBy: call.requestedBy ?? "agent",
      actions: call.actions,
      summary: call.actions.map(summarize),
      risk,
      actionHash: hash,
      reason,
      ...(call.preview !== undefined ? { preview: call.preview } : {}),
      rememberable,
      createdAt: this.#d.clock.now(),
    };
  }

  async #ask(request: ApprovalRequest, signal?: AbortSignal): Promise<ApprovalAnswer> {
    if (signal?.aborted) return { kind: "unavailable", reason: "the turn was cancelled" };
    const ac = new AbortController();
    const onAbort = () => ac.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<ApprovalAnswer>((resolve) => {
      timer = setTimeout(() => {
        ac.abort(new Error("approval timed out"));
        resolve({
          kind: "unavailable",
          reason: `no answer within ${Math.round(this.#d.config.approvalTimeoutMs / 1000)} s`,
        });
      }, this.#d.config.approvalTimeoutMs);
    });
    const aborted = new Promise<ApprovalAnswer>((resolve) => {
      ac.signal.addEventListener(
        "abort",
        () => resolve({ kind: "unavailable", reason: "the request was cancelled" }),
        { once: true },
      );
    });
    try {
      return await Promise.race([
        this.#d.channel.request(request, ac.signal).catch((e) => ({
          kind: "unavailable" as const,
          reason: `approval channel failed: ${(e as Error).message}`,
        })),
        timeout,
        aborted,
      ]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      ac.abort();
    }
  }

  async #commitDenial(record: Omit<DecisionRecord, "decision">, hash: string): Promise<Decision> {
    const committed = await this.#commitOrFailClosed({
      record: { ...record, decision: "deny" },
      countsAsDenial: true,
    });
    if ("failed" in committed) return committed.failed(hash);
    return {
      kind: "deny",
      entry: committed.entry,
      actionHash: hash,
      stage: record.stage,
      ...(record.rule ? { rule: record.rule } : {}),
      reason: record.reason,
    };
  }

  /** Commit, and turn a storage failure into a denial: no audit entry, no action. */
  async #commitOrFailClosed(
    commit: Parameters<DecisionStore["commit"]>[0],
  ): Promise<
    | Awaited<ReturnType<DecisionStore["commit"]>>
    | { failed: (hash: string) => Decision }
  > {
    try {
      return await this.#d.store.commit(commit);
    } catch (e) {
      const reason = `audit write failed, action refused: ${(e as Error).message}`;
      return {
        failed: (hash) => ({
          kind: "deny",
          entry: { id: "", seq: -1, hash: "" },
          actionHash: hash,
          stage: "audit",
          rule: "audit:write_failed",
          reason,
        }),
      };
    }
  }
}

/** The policy and workspace-mode verdicts over every action of a call (stage 1). */
export type StaticVerdict =
  | { kind: "deny"; rule: string; reason: string }
  | { kind: "pass"; policyAsk?: AskVerdict; modeAsk?: AskVerdict };

/**
 * Stage 1, pure: the admin policy for every action (a deny is final), then the
 * workspace mode's escape policy (the user's own hard line, also before any
 * token). `pass` carries the first `ask` of each, if any. Policy examples in
 * the config are checked with this function.
 */
export function staticVerdict(
  call: Pick<ProposedCall, "tool" | "actions" | "argBytes" | "capsule">,
  policy: InterceptorDeps["policy"],
  mode: InterceptorDeps["mode"],
): StaticVerdict {
  let policyAsk: AskVerdict | undefined;
  for (const action of call.actions) {
    const v = policy(action, {
      tool: call.tool,
      argBytes: call.argBytes,
      ...(call.capsule ? { capsule: call.capsule } : {}),
    });
    if (v.kind === "deny") return v;
    if (v.kind === "ask") policyAsk ??= v;
  }
  let modeAsk: AskVerdict | undefined;
  for (const action of call.actions) {
    const v = mode(action);
    if (v.kind === "deny") return v;
    if (v.kind === "ask") modeAsk ??= v;
  }
  return {
    kind: "pass",
    ...(policyAsk ? { policyAsk } : {}),
    ...(modeAsk ? { modeAsk } : {}),
  };
}

function reasonFor(
  via: NonNullable<AuthorizationProof["via"]>,
  decision: string | undefined,
): string {
  switch (via) {
    case "mode":
      return "allowed by the workspace mode";
    case "token":
      return "covered by a capability token";
    case "allowance":
      return "covered by a session allowance";
    case "approval":
      return `approved by a human (${decision})`;
    case "deferred_approval":
      return "approved by a human from the queue";
  }
}
