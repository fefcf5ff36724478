/**
 * Capability sets as values: what a manifest requests, what a human approved,
 * and the difference between two requests. Invariant: a grant is never wider
 * than both the request and the approval, item by item (exact strings; an
 * MCP server by its whole command line and environment names), so approving
 * "**" for a capsule that asked for "data/**" still grants only "data/**".
 *
 * @module
 */

import { canonicalJson } from "../core/mod.ts";
import type { CapabilitySet, InterceptorEvent, McpServerSpec } from "./manifest.ts";

/** Nothing granted. */
export const NO_CAPABILITIES: CapabilitySet = Object.freeze({
  net: [],
  fsRead: [],
  fsWrite: [],
  kv: false,
  mcpServers: [],
  interceptors: [],
});

/** Items added or removed between two capability sets (`kv: true` means it changed that way). */
export type CapabilityDelta = CapabilitySet;

/** Result of {@link capabilityDiff}. */
export interface CapabilityDiff {
  /** In `next` but not in `previous`: these need the human's approval again. */
  readonly added: CapabilityDelta;
  /** In `previous` but no longer asked for. */
  readonly removed: CapabilityDelta;
  /** Whether `added` is non-empty (an upgrade that asks for more). */
  readonly asksForMore: boolean;
}

/** The part of `requested` that `approved` also contains. */
export function intersectCapabilities(
  requested: CapabilitySet,
  approved: CapabilitySet,
): CapabilitySet {
  return {
    net: requested.net.filter((x) => approved.net.includes(x)),
    fsRead: requested.fsRead.filter((x) => approved.fsRead.includes(x)),
    fsWrite: requested.fsWrite.filter((x) => approved.fsWrite.includes(x)),
    kv: requested.kv && approved.kv,
    mcpServers: requested.mcpServers.filter((x) => containsServer(approved.mcpServers, x)),
    interceptors: requested.interceptors.filter((x) => approved.interceptors.includes(x)),
  };
}

/** What `next` asks for beyond `previous`, and what it dropped. */
export function capabilityDiff(previous: CapabilitySet, next: CapabilitySet): CapabilityDiff {
  const added = minus(next, previous);
  return { added, removed: minus(previous, next), asksForMore: !isEmpty(added) };
}

/** Whether a set grants nothing at all. */
export function isEmpty(set: CapabilitySet): boolean {
  return set.net.length === 0 && set.fsRead.length === 0 && set.fsWrite.length === 0 &&
    !set.kv && set.mcpServers.length === 0 && set.interceptors.length === 0;
}

function minus(a: CapabilitySet, b: CapabilitySet): CapabilitySet {
  return {
    net: a.net.filter((x) => !b.net.includes(x)),
    fsRead: a.fsRead.filter((x) => !b.fsRead.includes(x)),
    fsWrite: a.fsWrite.filter((x) => !b.fsWrite.includes(x)),
    kv: a.kv && !b.kv,
    mcpServers: a.mcpServers.filter((x) => !containsServer(b.mcpServers, x)),
    interceptors: a.interceptors.filter((x: InterceptorEvent) => !b.interceptors.includes(x)),
  };
}

function containsServer(list: readonly McpServerSpec[], server: McpServerSpec): boolean {
  const key = serverKey(server);
  return list.some((s) => serverKey(s) === key);
}

function serverKey(s: McpServerSpec): string {
  return canonicalJson({
    id: s.id,
    type: s.type,
    command: s.command,
    args: [...s.args],
    env: [...s.env].sort(),
  });
}
