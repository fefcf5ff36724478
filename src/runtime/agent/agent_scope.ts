/**
 * What a sub-agent may hold, decided when it is created. Pure.
 *
 * Invariant: a child never holds what its parent does not. Every field of
 * the child's scope is checked against the parent's: tools a subset, the
 * folder the same or inside, the mode and escape policy the same or
 * stricter, the budget at most what the parent has left, and the depth
 * within `[agent] subagent_max_depth`. A request that asks for more is
 * refused whole, with a reason naming the field and both values; nothing is
 * silently trimmed.
 *
 * @module
 */

import type { EscapePolicy, WorkspaceMode } from "../../security/mod.ts";
import type { SessionScope } from "../../storage/mod.ts";

/** Modes, strictest first. */
export const MODE_ORDER: readonly WorkspaceMode[] = ["safe", "guided", "autonomous"];
/** Escape policies, strictest first. */
export const ESCAPE_ORDER: readonly EscapePolicy[] = ["deny", "ask"];

/** What a parent asks for its child. Unset fields inherit (the budget: a share). */
export interface SubAgentRequest {
  readonly tools?: readonly string[] | undefined;
  /** A canonical folder (resolved by the caller). */
  readonly root?: string | undefined;
  readonly mode?: WorkspaceMode | undefined;
  readonly escapePolicy?: EscapePolicy | undefined;
  readonly budgetMicros?: number | undefined;
}

/** The limits the parent's situation sets. */
export interface SubAgentLimits {
  /** `[agent] subagent_max_depth`. */
  readonly maxDepth: number;
  /** What the parent can still give away: its cap, minus its spending, minus open carve-outs. */
  readonly availableMicros: number;
  /** The default budget is `availableMicros / share` (`[agent] subagent_concurrency`). */
  readonly share: number;
}

/** The name of the delegation tool. */
export const TASK_TOOL = "task";

/** The child's scope, or why it is refused. */
export type ScopeResult =
  | { readonly ok: true; readonly scope: SessionScope }
  | { readonly ok: false; readonly reason: string };

/** Decide the child's scope from its parent's, or refuse it. */
export function narrowScope(
  parent: SessionScope,
  request: SubAgentRequest,
  limits: SubAgentLimits,
): ScopeResult {
  const refuse = (reason: string): ScopeResult => ({ ok: false, reason });
  const depth = parent.depth + 1;
  if (depth > limits.maxDepth) {
    return refuse(
      `sub-agents may nest ${limits.maxDepth} deep ([agent] subagent_max_depth = ${limits.maxDepth}); ` +
        `this one would be at depth ${depth}`,
    );
  }
  // The child may delegate further only if its own children would fit the depth limit.
  const canDelegate = depth + 1 <= limits.maxDepth;
  let tools: string[];
  if (request.tools === undefined) {
    tools = parent.tools.filter((t) => t !== TASK_TOOL || canDelegate);
  } else {
    tools = [...new Set(request.tools)];
    for (const t of tools) {
      if (!parent.tools.includes(t)) {
        return refuse(
          `tool "${t}" is not available to the parent (it has: ${
            parent.tools.map((x) => `"${x}"`).join(", ") || "none"
          })`,
        );
      }
      if (t === TASK_TOOL && !canDelegate) {
        return refuse(
          `tool "${TASK_TOOL}" would let the child nest past depth ${limits.maxDepth} ` +
            `([agent] subagent_max_depth)`,
        );
      }
    }
  }
  const root = request.root ?? parent.root;
  if (!isInside(parent.root, root)) {
    return refuse(`folder "${root}" is outside the parent's folder "${parent.root}"`);
  }
  const mode = request.mode ?? parent.mode;
  if (MODE_ORDER.indexOf(mode) > MODE_ORDER.indexOf(parent.mode) || !MODE_ORDER.includes(mode)) {
    return refuse(`mode "${mode}" is looser than the parent's mode "${parent.mode}"`);
  }
  const escapePolicy = request.escapePolicy ?? parent.escapePolicy;
  if (
    ESCAPE_ORDER.indexOf(escapePolicy) > ESCAPE_ORDER.indexOf(parent.escapePolicy) ||
    !ESCAPE_ORDER.includes(escapePolicy)
  ) {
    return refuse(
      `escape policy "${escapePolicy}" is looser than the parent's "${parent.escapePolicy}"`,
    );
  }
  const available = Math.max(0, Math.floor(limits.availableMicros));
  const budgetMicros = request.budgetMicros ?? Math.floor(available / Math.max(1, limits.share));
  if (!Number.isSafeInteger(budgetMicros) || budgetMicros < 0) {
    return refuse(`budget ${budgetMicros} micro-USD is not a whole number >= 0`);
  }
  if (budgetMicros > available) {
    return refuse(
      `budget $${usd(budgetMicros)} is more than the parent has left to give ($${usd(available)})`,
    );
  }
  if (budgetMicros === 0) {
    return refuse(`the parent has no budget left to give ($${usd(available)} available)`);
  }
  return { ok: true, scope: { tools, root, mode, escapePolicy, budgetMicros, depth } };
}

/** True when `path` is `root` or inside it (both canonical, absolute). */
export function isInside(root: string, path: string): boolean {
  if (root === "/") return path.startsWith("/");
  return path === root || path.startsWith(`${root}/`);
}

function usd(micros: number): string {
  return (micros / 1_000_000).toFixed(6).replace(/0{1,4}$/, "");
}
