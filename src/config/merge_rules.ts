/**
 * How one layer's value for a key combines with what the layers below set.
 * Trusted layers (system, user, env, `--set`) replace; the workspace layer
 * follows its key's {@link WorkspaceRule} and can only tighten. A loosening
 * attempt keeps the lower value and returns a warning.
 *
 * @module
 */

import type { TrustedMerge, WorkspaceRule } from "./schema.ts";

/** The merged value and any warnings (one per ignored loosening). */
export interface MergeOutcome {
  readonly value: unknown;
  readonly warnings: readonly string[];
}

/** Combine `incoming` from a trusted layer with `current`. */
export function mergeTrusted(rule: TrustedMerge, current: unknown, incoming: unknown): unknown {
  switch (rule) {
    case "replace":
      return incoming;
    case "merge_entries":
      return { ...(current as object), ...(incoming as object) };
    case "append":
      return [...(current as unknown[]), ...(incoming as unknown[])];
  }
}

/**
 * Combine `incoming` from the workspace layer with `current`, which
 * `setBy` (e.g. `user config /home/me/.astrid/config.toml`) set.
 */
export function mergeWorkspace(
  rule: WorkspaceRule,
  current: unknown,
  incoming: unknown,
  setBy: string,
): MergeOutcome {
  switch (rule.kind) {
    case "free":
      return { value: incoming, warnings: [] };
    case "forbidden":
      return {
        value: current,
        warnings: [`a workspace config may not set this key (${rule.reason}); ignored`],
      };
    case "add_only": {
      const have = current as unknown[];
      const seen = new Set(have.map(identity));
      const added = (incoming as unknown[]).filter((x) => !seen.has(identity(x)));
      return { value: [...have, ...dedupe(added)], warnings: [] };
    }
    case "remove_only": {
      const allowed = new Set((current as unknown[]).map(identity));
      const kept: unknown[] = [];
      const warnings: string[] = [];
      for (const x of dedupe(incoming as unknown[])) {
        if (allowed.has(identity(x))) kept.push(x);
        else {
          warnings.push(
            `cannot add ${show(x)}: not in the list from ${setBy}; a workspace config may only ` +
              `remove entries; ignored ${show(x)}`,
          );
        }
      }
      return { value: kept, warnings };
    }
    case "lower_only": {
      const next = incoming as number;
      if (current === undefined || next <= (current as number)) {
        return { value: next, warnings: [] };
      }
      return {
        value: current,
        warnings: [
          `${show(next)} is higher than ${show(current)} from ${setBy}; a workspace config may ` +
          `only lower it; ignored`,
        ],
      };
    }
    case "stricter_only": {
      const rank = (v: unknown) => rule.order.indexOf(v as string | boolean);
      if (rank(incoming) <= rank(current)) return { value: incoming, warnings: [] };
      return {
        value: current,
        warnings: [
          `${show(incoming)} is less strict than ${show(current)} from ${setBy}; a workspace ` +
          `config may only choose a stricter value (${rule.order.map(show).join(" > ")}); ignored`,
        ],
      };
    }
  }
}

/** Entries compare by value (strings, numbers, and example tables by their JSON). */
function identity(x: unknown): unknown {
  return typeof x === "object" && x !== null ? JSON.stringify(x) : x;
}

function dedupe(xs: readonly unknown[]): unknown[] {
  const seen = new Set<unknown>();
  return xs.filter((x) => {
    const id = identity(x);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function show(x: unknown): string {
  return typeof x === "string" ? JSON.stringify(x) : typeof x === "object" ? "an entry" : String(x);
}
