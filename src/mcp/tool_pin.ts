/**
 * The pin of a server's tool list: the list the human approved and its
 * hash. Pure. Invariant: a server whose current list does not hash to its
 * pin offers nothing to the agent until a human approves the new list (and
 * that approval is audited by the caller).
 *
 * @module
 */

import {
  type McpToolInfo,
  type ToolListChange,
  toolListChange,
  toolListHash,
} from "./tool_list_hash.ts";

/** An approved tool list. */
export interface ToolPin {
  /** `blake3:<hex>` of `tools` ({@link toolListHash}). */
  readonly hash: string;
  readonly tools: readonly McpToolInfo[];
}

/** How a server's current tool list compares with its pin. */
export type PinVerdict =
  | { readonly kind: "match"; readonly hash: string }
  | { readonly kind: "unpinned"; readonly hash: string }
  | {
    readonly kind: "changed";
    readonly hash: string;
    readonly pinned: string;
    readonly change: ToolListChange;
  };

/** Compare `current` with `pin` (absent: never approved). */
export function checkToolPin(
  pin: ToolPin | undefined,
  current: readonly McpToolInfo[],
): PinVerdict {
  const hash = toolListHash(current);
  if (!pin) return { kind: "unpinned", hash };
  if (pin.hash === hash) return { kind: "match", hash };
  return { kind: "changed", hash, pinned: pin.hash, change: toolListChange(pin.tools, current) };
}

/** A pin for `tools`. */
export function pinTools(tools: readonly McpToolInfo[]): ToolPin {
  return { hash: toolListHash(tools), tools };
}

/** One line per change, for humans. */
export function describeToolChange(change: ToolListChange): string[] {
  return [
    ...change.added.map((n) => `+ ${n} (new tool)`),
    ...change.removed.map((n) => `- ${n} (removed)`),
    ...change.changed.map((n) => `~ ${n} (description, schema or annotations changed)`),
  ];
}
