/**
 * Capsules: `Capsule.toml` parsed, validated and planned (pure), and the
 * WASM engine that runs a component under Extism inside a permission-narrowed
 * Deno worker, with gated host functions and hard limits.
 *
 * @module
 */

export * from "./manifest.ts";
export { formatManifestProblem, ManifestError, type ManifestProblem } from "./manifest_error.ts";
export { checkManifest, MAX_MANIFEST_CHARS, parseManifest } from "./parse_manifest.ts";
export { CAPABILITY_KEYS, type ManifestResult, validateManifest } from "./validate_manifest.ts";
export { type CronFields, type CronResult, parseCronSchedule } from "./cron_schedule.ts";
export { type NetGrant, netGrantAllows, parseNetGrant } from "./net_grant.ts";
export {
  type CapabilityDelta,
  type CapabilityDiff,
  capabilityDiff,
  intersectCapabilities,
  isEmpty,
  NO_CAPABILITIES,
} from "./capabilities.ts";
export {
  type CapsulePlan,
  type EnginePlan,
  type McpEnginePlan,
  planCapsule,
  type SecretBinding,
  type StaticEnginePlan,
  type WasmEnginePlan,
  type WasmGrants,
} from "./plan_capsule.ts";
