/**
 * {@link HostServices} over the host runtime's ports: the gate, the KV store
 * (namespaced by the capsule id fixed here, never by the caller), a DNS
 * resolver and log/denial sinks. The main thread serves worker requests with
 * it; benches and tests use it in-process.
 *
 * @module
 */

import type { Action } from "../security/mod.ts";
import type { CapsuleGate, GateDecision } from "./capsule_gate.ts";
import type { CapsuleKv } from "./capsule_kv.ts";
import type { CapsuleDenial, CapsuleLogLevel, HostServices } from "./host_env.ts";

/** Resolves a host name to its addresses. */
export type ResolveHost = (host: string) => Promise<string[]>;

/** The ports behind {@link HostServices}. */
export interface HostPorts {
  readonly capsule: string;
  readonly gate: CapsuleGate;
  readonly kv: CapsuleKv;
  readonly resolveHost: ResolveHost;
  readonly onLog?: (capsule: string, level: CapsuleLogLevel, message: string) => void;
  readonly onDenial?: (denial: CapsuleDenial) => void;
}

/** Services for capsule `ports.capsule`. */
export function hostServices(ports: HostPorts): HostServices {
  const { capsule } = ports;
  return {
    authorize(action: Action): Promise<GateDecision> {
      // The capsule named in an action is always the one this host loaded.
      if (
        (action.kind !== "capsule_file" && action.kind !== "capsule_http") ||
        action.capsule !== capsule
      ) {
        return Promise.resolve({
          allowed: false,
          reason: `capsule "${capsule}" may not ask for a ${action.kind} action as "${
            "capsule" in action ? action.capsule : "?"
          }"`,
        });
      }
      return ports.gate.authorize(action);
    },
    kvGet: (key) => ports.kv.get(capsule, key),
    kvSet: (key, value) => ports.kv.set(capsule, key, value),
    resolveHost: (host) => ports.resolveHost(host),
    log: (level, message) => ports.onLog?.(capsule, level, message),
    denied: (denial) => ports.onDenial?.({ ...denial, capsule }),
  };
}

/** Resolve with `Deno.resolveDns` (A and AAAA); throws when neither answers. */
export async function denoResolveHost(host: string): Promise<string[]> {
  const [a, aaaa] = await Promise.allSettled([
    Deno.resolveDns(host, "A"),
    Deno.resolveDns(host, "AAAA"),
  ]);
  const out = [
    ...(a.status === "fulfilled" ? a.value : []),
    ...(aaaa.status === "fulfilled" ? aaaa.value : []),
  ];
  if (out.length === 0 && a.status === "rejected") throw a.reason;
  return out;
}
