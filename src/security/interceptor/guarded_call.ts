/**
 * One guarded call, end to end, the same for every kind of tool (built-in,
 * MCP): classify into canonical actions (unresolvable means denied, and the
 * refusal is recorded), pass the interceptor, and only on `allow` run; the
 * approval is bound to the exact actions, so they are classified again right
 * before running and anything that differs (a path now resolving elsewhere)
 * does not run. The outcome is recorded and settles the reservation.
 *
 * @module
 */

import type { AuditDraft } from "../audit/mod.ts";
import { actionHash } from "../approval/action_hash.ts";
import type { ClassifiedCall } from "../classify/mod.ts";
import type { CallContext, ProposedCall, SecurityInterceptor } from "./intercept.ts";

/** What a guarded call needs from the runtime. */
export interface GuardedCallPorts {
  readonly interceptor: Pick<SecurityInterceptor, "intercept" | "complete">;
  readonly audit: { append(draft: AuditDraft): Promise<{ readonly seq: number }> };
}

/** A tool's result as the guarded call records it. */
export interface GuardedResult {
  readonly ok: boolean;
  readonly output: string;
  readonly error?: string;
}

/** What happened to the call. */
export type GuardedRun<R extends GuardedResult> =
  | { readonly kind: "ran"; readonly result: R; readonly via: string; readonly auditSeq: number }
  | {
    readonly kind: "denied";
    readonly stage: string;
    readonly reason: string;
    readonly auditSeq?: number;
  }
  | {
    readonly kind: "deferred";
    readonly requestId: string;
    readonly reason: string;
    readonly auditSeq: number;
  };

/** One call to guard. */
export interface GuardedCall<R extends GuardedResult> {
  /** The tool name the policy and the audit log see (`write_file`, `mcp:fs:read`). */
  readonly tool: string;
  readonly requestedBy: string;
  readonly capsule?: string;
  readonly ctx: CallContext;
  /** Called twice: for the decision, and again right before running. */
  classify(): ClassifiedCall;
  /** What the human sees besides the summary. */
  preview?(): Promise<string | undefined>;
  /** Run the allowed call; a throw becomes a failed result. */
  run(actions: ClassifiedCall & { ok: true }): Promise<R>;
  /** The failed result for a throw from `run`. */
  failure(message: string): R;
}

/** Guard `call` through the interceptor. */
export async function runGuarded<R extends GuardedResult>(
  ports: GuardedCallPorts,
  call: GuardedCall<R>,
): Promise<GuardedRun<R>> {
  const { ctx } = call;
  const classified = call.classify();
  if (!classified.ok) {
    // Unresolvable means denied, and the refusal is on the record like any decision.
    const entry = await ports.audit.append({
      sessionId: ctx.sessionId,
      principal: ctx.principal,
      kind: "decision",
      summary: `${call.tool}: ${classified.reason}`,
      decision: "deny",
      stage: "policy",
      proof: { rule: "classify:unresolvable", reason: classified.reason },
      detail: { tool: call.tool, requestedBy: call.requestedBy },
    });
    return { kind: "denied", stage: "policy", reason: classified.reason, auditSeq: entry.seq };
  }
  const preview = await call.preview?.().catch(() => undefined);
  const proposed: ProposedCall = {
    tool: call.tool,
    actions: classified.actions,
    argBytes: classified.argBytes,
    requestedBy: call.requestedBy,
    ...(preview !== undefined ? { preview } : {}),
    ...(call.capsule ? { capsule: call.capsule } : {}),
  };
  const decision = await ports.interceptor.intercept(proposed, ctx);
  if (decision.kind === "deny") {
    return {
      kind: "denied",
      stage: decision.stage,
      reason: decision.reason,
      auditSeq: decision.entry.seq,
    };
  }
  if (decision.kind === "defer") {
    return {
      kind: "deferred",
      requestId: decision.requestId,
      reason: decision.reason,
      auditSeq: decision.entry.seq,
    };
  }
  // What runs must be what was approved.
  const now = call.classify();
  if (!now.ok || actionHash(now.actions) !== decision.actionHash) {
    const reason =
      "the call changed between approval and execution (a path now resolves elsewhere)";
    await ports.interceptor.complete(decision, ctx, { ok: false, error: reason });
    return { kind: "denied", stage: "approval", reason, auditSeq: decision.entry.seq };
  }
  let result: R;
  try {
    result = await call.run(now);
  } catch (e) {
    result = call.failure((e as Error).message);
  }
  await ports.interceptor.complete(decision, ctx, {
    ok: result.ok,
    ...(result.error !== undefined ? { error: result.error } : {}),
    summary: result.output.length > 2048 ? `${result.output.slice(0, 2048)}…` : result.output,
  });
  return { kind: "ran", result, via: decision.via, auditSeq: decision.entry.seq };
}
