/**
 * A server's tool list as a value, and its pin: BLAKE3 (domain-separated)
 * over the canonical JSON of every tool's name, description and schemas,
 * sorted by name. Pure.
 *
 * Invariant: anything that changes what the agent is told a tool does, or
 * what arguments it takes, changes the hash; a server that reorders its list
 * does not. Annotations (`readOnlyHint`, ...) are hashed too, because the
 * argument checks rely on them (see `mcpCallActions`).
 *
 * @module
 */

import { canonicalJson, type JsonValue } from "../core/mod.ts";
import { blake3Domain } from "../security/mod.ts";

/** One tool as the server describes it (what the pin covers). */
export interface McpToolInfo {
  readonly name: string;
  readonly description: string;
  /** JSON schema of the arguments (`type: "object"`). */
  readonly inputSchema: { readonly [key: string]: JsonValue };
  readonly outputSchema?: { readonly [key: string]: JsonValue };
  readonly annotations?: { readonly [key: string]: JsonValue };
}

/** Domain of the tool-list hash; bump the version if the hashed shape changes. */
export const TOOL_LIST_DOMAIN = "astrid mcp tool list v1";

/** `blake3:<64 hex>` of `tools`, independent of their order. */
export function toolListHash(tools: readonly McpToolInfo[]): string {
  const sorted = [...tools].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const value = sorted.map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: t.inputSchema,
    ...(t.outputSchema ? { outputSchema: t.outputSchema } : {}),
    ...(t.annotations ? { annotations: t.annotations } : {}),
  }));
  return `blake3:${blake3Domain(TOOL_LIST_DOMAIN, new TextEncoder().encode(canonicalJson(value)))}`;
}

/** What changed between two tool lists, by name. */
export interface ToolListChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Same name, different description, schema or annotations. */
  readonly changed: readonly string[];
}

/** Compare an approved list with the current one. */
export function toolListChange(
  approved: readonly McpToolInfo[],
  current: readonly McpToolInfo[],
): ToolListChange {
  const before = new Map(approved.map((t) => [t.name, toolListHash([t])]));
  const after = new Map(current.map((t) => [t.name, toolListHash([t])]));
  return {
    added: [...after.keys()].filter((n) => !before.has(n)).sort(),
    removed: [...before.keys()].filter((n) => !after.has(n)).sort(),
    changed: [...after.keys()].filter((n) => before.has(n) && before.get(n) !== after.get(n))
      .sort(),
  };
}
