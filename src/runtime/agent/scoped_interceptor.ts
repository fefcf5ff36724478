/**
 * The interceptor a sub-agent's calls go through when its scope is narrower
 * than the runtime's: the same admin policy, tokens, decision store (budgets,
 * denial counter, approval queue), audit log and approval channel, with the
 * workspace mode judged for the child's folder, mode and escape policy.
 *
 * Only the mode stage differs, and only ever towards stricter: a child's
 * folder is inside the workspace (so more paths count as outside), its mode
 * and escape policy are the same or stricter (checked by `narrowScope`).
 * Policy, tokens, budget and audit are the runtime's own objects.
 *
 * @module
 */

import type { Clock, Random } from "../../core/mod.ts";
import {
  type ApprovalChannel,
  evaluatePolicy,
  modeDecision,
  SecurityInterceptor,
} from "../../security/mod.ts";
import type { SessionScope } from "../../storage/mod.ts";
import { commandKeyOf } from "../command_key.ts";
import type { SecurityRuntime } from "../security_runtime.ts";

/** True when `scope` is exactly what the runtime itself enforces (use `rt.interceptor`). */
export function isRuntimeScope(rt: SecurityRuntime, scope: SessionScope): boolean {
  return scope.root === rt.workspace && scope.mode === rt.config.workspace.mode &&
    scope.escapePolicy === rt.config.workspace.escape_policy;
}

/** An interceptor enforcing `scope`'s mode over the runtime's shared state. */
export function scopedInterceptor(
  rt: SecurityRuntime,
  scope: SessionScope,
  deps: { readonly channel: ApprovalChannel; readonly clock: Clock; readonly random: Random },
): SecurityInterceptor {
  const settings = {
    mode: scope.mode,
    escape_policy: scope.escapePolicy,
    read_allowlist: rt.config.workspace.read_allowlist,
  };
  const where = { workspace: scope.root, allowedPaths: rt.policy.allowedPaths };
  return new SecurityInterceptor({
    policy: (a, meta) => evaluatePolicy(rt.policy, a, meta),
    mode: (a) => modeDecision(a, settings, where),
    tokens: rt.tokens,
    store: rt.store,
    channel: deps.channel,
    commandKey: (a) => commandKeyOf(a),
    clock: deps.clock,
    random: deps.random,
    config: {
      approvalTimeoutMs: rt.config.approval.timeout_secs * 1000,
      deferredTtlMs: rt.config.approval.queue_ttl_secs * 1000,
      denialLimits: rt.config.approval,
      budget: rt.config.budget,
    },
  });
}
