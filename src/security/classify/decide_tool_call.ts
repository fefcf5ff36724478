/**
 * Classification, admin policy and workspace mode for one proposed tool
 * call, as a read-only dry run: what `astrid policy check` prints and what
 * `[[policy.examples]]` are checked against. Nothing executes or is recorded.
 *
 * Order and precedence follow the interceptor: a call that cannot be
 * classified is denied; any policy deny is final; then any mode deny (the
 * escape policy); then any ask (policy asks before mode asks); else allow.
 * Tokens, budget and approval come later and are not part of this answer.
 *
 * @module
 */

import { type Action, summarize } from "../action.ts";
import type { FsProbe } from "../path/fs_probe.ts";
import type { CompiledPolicy } from "../policy/compile_policy.ts";
import {
  evaluateCallPolicy,
  evaluatePolicy,
  type PolicyDecision,
} from "../policy/evaluate_policy.ts";
import { type ModeDecision, modeDecision, type ModeSettings } from "../policy/mode_decision.ts";
import { classifyToolCall } from "./classify_tool_call.ts";

/** Everything the dry run needs. */
export interface DecideContext {
  readonly policy: CompiledPolicy;
  readonly settings: ModeSettings;
  readonly probe: FsProbe;
  /** Working directory of the call; default the workspace root. */
  readonly cwd?: string;
  readonly capsule?: string;
}

/** The verdict on one action. */
export interface ActionCheck {
  readonly action: Action;
  readonly summary: string;
  readonly policy: PolicyDecision;
  /** Absent when the policy denied (the mode is not consulted after a policy deny). */
  readonly mode?: ModeDecision;
}

/** The dry run's answer. */
export interface CallDecision {
  readonly decision: "allow" | "ask" | "deny";
  /** Which stage decided. */
  readonly stage: "classify" | "policy" | "mode" | "token";
  readonly rule?: string;
  readonly reason: string;
  readonly actions: readonly Action[];
  readonly argBytes?: number;
  readonly checks: readonly ActionCheck[];
}

/** Decide `tool(args)` under `ctx`. Pure apart from `ctx.probe`. */
export function decideToolCall(tool: string, args: unknown, ctx: DecideContext): CallDecision {
  const workspace = ctx.policy.workspace;
  const c = classifyToolCall(tool, args, {
    cwd: ctx.cwd ?? workspace,
    workspace,
    probe: ctx.probe,
  });
  if (!c.ok) {
    return {
      decision: "deny",
      stage: "classify",
      rule: "classify:invalid",
      reason: `The call cannot be classified safely: ${c.reason}`,
      actions: [],
      checks: [],
    };
  }
  const meta = { tool, argBytes: c.argBytes, ...(ctx.capsule ? { capsule: ctx.capsule } : {}) };
  const checks: ActionCheck[] = [];
  let policyDeny: ActionCheck | undefined;
  for (const action of c.actions) {
    const policy = evaluatePolicy(ctx.policy, action, meta);
    if (policy.kind === "deny") {
      const check = { action, summary: summarize(action), policy };
      checks.push(check);
      policyDeny ??= check;
      continue;
    }
    checks.push({
      action,
      summary: summarize(action),
      policy,
      mode: modeDecision(action, ctx.settings, ctx.policy),
    });
  }
  const base = { actions: c.actions, argBytes: c.argBytes, checks };
  if (policyDeny && policyDeny.policy.kind === "deny") {
    return { ...base, decision: "deny", stage: "policy", ...why(policyDeny.policy) };
  }
  // Size and always-ask rules do not depend on actions: a call with none still meets them.
  if (c.actions.length === 0) {
    const p = evaluateCallPolicy(ctx.policy, meta);
    if (p.kind !== "allow") return { ...base, decision: p.kind, stage: "policy", ...why(p) };
    return {
      ...base,
      decision: "allow",
      stage: "classify",
      reason: `"${tool}" takes no direct action; its own calls are checked one by one`,
    };
  }
  const modeDeny = checks.find((k) => k.mode?.kind === "deny");
  if (modeDeny?.mode) return { ...base, decision: "deny", stage: "mode", ...why(modeDeny.mode) };
  const policyAsk = checks.find((k) => k.policy.kind === "ask");
  if (policyAsk && policyAsk.policy.kind === "ask") {
    return { ...base, decision: "ask", stage: "policy", ...why(policyAsk.policy) };
  }
  const modeAsk = checks.find((k) => k.mode?.kind === "ask");
  if (modeAsk?.mode) return { ...base, decision: "ask", stage: "mode", ...why(modeAsk.mode) };
  const rules = [...new Set(checks.map((k) => k.mode?.rule ?? ""))].join(", ");
  const reasons = [...new Set(checks.map((k) => k.mode?.reason ?? ""))].join("; ");
  return { ...base, decision: "allow", stage: "mode", rule: rules, reason: reasons };
}

function why(d: { rule: string; reason: string }): { rule: string; reason: string } {
  return { rule: d.rule, reason: d.reason };
}
