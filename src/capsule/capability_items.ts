/**
 * Capability sets as lists of items a human can read and type:
 * `net:api.github.com`, `fs_read:data/**`, `fs_write:out/**`, `kv`,
 * `mcp_server:github`, `interceptor:BeforeToolCall`. Pure.
 *
 * Invariant: selecting items from a request never yields more than the
 * request (an MCP server item selects the server spec as requested, whole
 * command line included).
 *
 * @module
 */

import type { CapabilitySet, InterceptorEvent } from "./manifest.ts";

/** Every item of `set`, in a stable order. */
export function capabilityItems(set: CapabilitySet): string[] {
  return [
    ...set.net.map((x) => `net:${x}`),
    ...set.fsRead.map((x) => `fs_read:${x}`),
    ...set.fsWrite.map((x) => `fs_write:${x}`),
    ...(set.kv ? ["kv"] : []),
    ...set.mcpServers.map((s) => `mcp_server:${s.id}`),
    ...set.interceptors.map((e) => `interceptor:${e}`),
  ];
}

/** Result of {@link selectCapabilities}. */
export type Selection =
  | { readonly ok: true; readonly set: CapabilitySet }
  | { readonly ok: false; readonly reason: string };

/** The part of `requested` named by `items`; an item the request lacks is an error. */
export function selectCapabilities(requested: CapabilitySet, items: readonly string[]): Selection {
  const known = new Set(capabilityItems(requested));
  const unknown = items.filter((i) => !known.has(i));
  if (unknown.length > 0) {
    return {
      ok: false,
      reason: `${unknown.map((u) => `"${u}"`).join(", ")} ${
        unknown.length === 1 ? "is" : "are"
      } not requested; the capsule asks for: ${[...known].join(", ") || "nothing"}`,
    };
  }
  const chosen = new Set(items);
  return {
    ok: true,
    set: {
      net: requested.net.filter((x) => chosen.has(`net:${x}`)),
      fsRead: requested.fsRead.filter((x) => chosen.has(`fs_read:${x}`)),
      fsWrite: requested.fsWrite.filter((x) => chosen.has(`fs_write:${x}`)),
      kv: requested.kv && chosen.has("kv"),
      mcpServers: requested.mcpServers.filter((s) => chosen.has(`mcp_server:${s.id}`)),
      interceptors: requested.interceptors.filter((e: InterceptorEvent) =>
        chosen.has(`interceptor:${e}`)
      ),
    },
  };
}

/** One line per item for humans; MCP servers with their command line and environment names. */
export function describeCapabilities(set: CapabilitySet, mark?: CapabilitySet): string[] {
  const isNew = (item: string) =>
    mark !== undefined && capabilityItems(mark).includes(item) ? "  (new)" : "";
  const lines: string[] = [];
  const row = (item: string, what: string, value: string) =>
    lines.push(`  ${what.padEnd(12)} ${value}${isNew(item)}`);
  for (const x of set.net) row(`net:${x}`, "net", x);
  for (const x of set.fsRead) row(`fs_read:${x}`, "fs_read", x);
  for (const x of set.fsWrite) row(`fs_write:${x}`, "fs_write", x);
  if (set.kv) row("kv", "kv", "its own key-value namespace");
  for (const s of set.mcpServers) {
    row(
      `mcp_server:${s.id}`,
      "mcp_server",
      `${s.id}: runs ${[s.command, ...s.args].map(quote).join(" ")}${
        s.env.length > 0 ? ` with ${s.env.join(", ")}` : " with no environment"
      }`,
    );
  }
  for (const e of set.interceptors) row(`interceptor:${e}`, "interceptor", `sees every ${e} event`);
  return lines;
}

function quote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
