/**
 * Everything a host function needs, passed in: the capsule's identity and
 * compiled grants, its limits, the file system port, and the services that
 * live with the host runtime (gate, KV, DNS, log). Inside the capsule worker
 * the services are message round trips to the main thread; in-process they
 * are direct calls.
 *
 * @module
 */

import { type Action, compileGlob, type Glob } from "../security/mod.ts";
import type { AddressPolicy } from "./address_policy.ts";
import type { CapsuleFs } from "./capsule_fs.ts";
import type { GateDecision } from "./capsule_gate.ts";
import type { CapsuleLimits } from "./capsule_limits.ts";
import { type NetGrant, parseNetGrant } from "./net_grant.ts";
import type { WasmGrants } from "./plan_capsule.ts";

/** Log levels of the `log` host function. */
export type CapsuleLogLevel = "debug" | "info" | "warn" | "error";

/** A refused host call, reported to the host (for audit) whatever stage refused it. */
export interface CapsuleDenial {
  readonly capsule: string;
  readonly fn: string;
  readonly stage: "capability" | "confinement" | "address" | "gate";
  readonly reason: string;
  readonly action?: Action;
}

/** Services owned by the host runtime. */
export interface HostServices {
  authorize(action: Action): Promise<GateDecision>;
  kvGet(key: string): Promise<string | null>;
  kvSet(key: string, value: string | null): Promise<void>;
  /** Every IPv4 and IPv6 address of `host`; throws when it cannot be resolved. */
  resolveHost(host: string): Promise<string[]>;
  log(level: CapsuleLogLevel, message: string): void;
  denied(denial: CapsuleDenial): void;
}

/** A secret with its value, held by the host side only. */
export interface SecretValue {
  /** The `[env]` name. */
  readonly name: string;
  readonly host: string;
  readonly header: string;
  readonly prefix: string;
  readonly value: string;
}

/** Grants compiled for matching. */
export interface CompiledGrants {
  readonly net: readonly NetGrant[];
  readonly fsRead: readonly Glob[];
  readonly fsWrite: readonly Glob[];
  readonly kv: boolean;
  /** The grants as written, for messages. */
  readonly source: WasmGrants;
}

/** The environment of one capsule instance's host functions. */
export interface HostEnv {
  readonly capsule: string;
  /** Canonical (symlink-free) absolute workspace root. */
  readonly workspaceRoot: string;
  readonly grants: CompiledGrants;
  readonly limits: CapsuleLimits;
  readonly fs: CapsuleFs;
  readonly services: HostServices;
  /** Non-secret configuration (`type = "string"` env values). */
  readonly config: Readonly<Record<string, string>>;
  readonly secrets: readonly SecretValue[];
  readonly addressPolicy: AddressPolicy;
  readonly fetch: typeof fetch;
}

/**
 * Compile `grants` against the canonical `root`: relative globs are anchored
 * at the root (its own glob characters escaped), absolute globs kept.
 */
export function compileGrants(grants: WasmGrants, root: string): CompiledGrants {
  const anchor = (g: string) =>
    compileGlob(g.startsWith("/") ? g : `${escapeGlob(root)}/${g.replace(/^\.\//, "")}`);
  const net: NetGrant[] = [];
  for (const g of grants.net) {
    const p = parseNetGrant(g);
    if (!p.ok) throw new TypeError(`invalid net grant: ${p.reason}`);
    net.push(p.grant);
  }
  return {
    net,
    fsRead: grants.fsRead.map(anchor),
    fsWrite: grants.fsWrite.map(anchor),
    kv: grants.kv,
    source: grants,
  };
}

function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}\\!,]/g, (c) => `\\${c}`);
}
