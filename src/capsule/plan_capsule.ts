/**
 * Manifest + approval -> plan: one engine entry per part of the capsule
 * (the WASM component, each MCP server, the static context). Pure. Only the
 * intersection of request and approval reaches an engine entry; what was
 * asked for and not approved is listed in `refused` so it can be shown.
 *
 * @module
 */

import { capabilityDiff, intersectCapabilities } from "./capabilities.ts";
import type {
  CapabilitySet,
  CapsuleManifest,
  CommandSpec,
  ContextSpec,
  CronSpec,
  InterceptorSpec,
  LlmProviderSpec,
  McpServerSpec,
  SecretInjection,
  SkillSpec,
} from "./manifest.ts";
import { parseNetGrant } from "./net_grant.ts";

/** What the WASM engine may do: the approved subset of `[capabilities]`. */
export interface WasmGrants {
  readonly net: readonly string[];
  readonly fsRead: readonly string[];
  readonly fsWrite: readonly string[];
  readonly kv: boolean;
}

/** A secret the host adds to requests to one host; its value never reaches the capsule. */
export interface SecretBinding extends SecretInjection {
  /** The `[env]` name the value is stored under. */
  readonly name: string;
}

/** Run the component under the WASM engine. */
export interface WasmEnginePlan {
  readonly kind: "wasm";
  readonly capsule: string;
  readonly entrypoint: string;
  /** `blake3:<hex>`, or null when the manifest pins none (refused in production). */
  readonly hash: string | null;
  readonly grants: WasmGrants;
  /** Secrets injected into requests to an approved host. */
  readonly secrets: readonly SecretBinding[];
  /** Names of the `type = "string"` env values readable through `get-config`. */
  readonly config: readonly string[];
  readonly interceptors: readonly InterceptorSpec[];
  readonly llmProviders: readonly LlmProviderSpec[];
}

/** Start one approved stdio MCP server. */
export interface McpEnginePlan {
  readonly kind: "mcp";
  readonly capsule: string;
  readonly server: McpServerSpec;
}

/** Inject context, skills and commands; runs no code. */
export interface StaticEnginePlan {
  readonly kind: "static";
  readonly capsule: string;
  readonly context?: ContextSpec;
  readonly skills: readonly SkillSpec[];
  readonly commands: readonly CommandSpec[];
}

/** One engine entry. */
export type EnginePlan = WasmEnginePlan | McpEnginePlan | StaticEnginePlan;

/** The plan of one capsule. */
export interface CapsulePlan {
  readonly capsule: string;
  readonly version: string;
  /** Request ∩ approval. */
  readonly grants: CapabilitySet;
  /** Requested and not approved. */
  readonly refused: CapabilitySet;
  readonly cron: readonly CronSpec[];
  readonly engines: readonly EnginePlan[];
}

/** Plan `manifest` under `approved` (what the human approved at install). */
export function planCapsule(manifest: CapsuleManifest, approved: CapabilitySet): CapsulePlan {
  const capsule = manifest.package.name;
  const grants = intersectCapabilities(manifest.capabilities, approved);
  const engines: EnginePlan[] = [];
  if (manifest.component) {
    const approvedHosts = new Set(
      grants.net.map((g) => {
        const p = parseNetGrant(g);
        return p.ok ? p.grant.host : "";
      }),
    );
    const secrets: SecretBinding[] = [];
    const config: string[] = [];
    for (const [name, spec] of Object.entries(manifest.env)) {
      if (spec.type === "string") config.push(name);
      else if (spec.inject && approvedHosts.has(spec.inject.host)) {
        secrets.push({ name, ...spec.inject });
      }
    }
    engines.push({
      kind: "wasm",
      capsule,
      entrypoint: manifest.component.entrypoint,
      hash: manifest.component.hash ?? null,
      grants: { net: grants.net, fsRead: grants.fsRead, fsWrite: grants.fsWrite, kv: grants.kv },
      secrets,
      config: config.sort(),
      interceptors: manifest.interceptors.filter((i) => grants.interceptors.includes(i.event)),
      llmProviders: manifest.llmProviders,
    });
  }
  for (const server of grants.mcpServers) engines.push({ kind: "mcp", capsule, server });
  if (manifest.context || manifest.skills.length > 0 || manifest.commands.length > 0) {
    engines.push({
      kind: "static",
      capsule,
      ...(manifest.context ? { context: manifest.context } : {}),
      skills: manifest.skills,
      commands: manifest.commands,
    });
  }
  return {
    capsule,
    version: manifest.package.version,
    grants,
    refused: capabilityDiff(grants, manifest.capabilities).added,
    cron: manifest.cron,
    engines,
  };
}
