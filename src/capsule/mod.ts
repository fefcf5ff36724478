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
export {
  type AddressPolicy,
  forbiddenAddressReason,
  parseIp,
  STRICT_ADDRESS_POLICY,
} from "./address_policy.ts";
export {
  CAPSULE_LIMIT_CEILINGS,
  type CapsuleLimits,
  resolveCapsuleLimits,
} from "./capsule_limits.ts";
export { type CapsuleGate, type GateDecision, RecordingGate } from "./capsule_gate.ts";
export { type CapsuleKv, MemoryCapsuleKv } from "./capsule_kv.ts";
export { CAPSULE_KV_PREFIX, DenoCapsuleKv } from "./deno_capsule_kv.ts";
export type { CapsuleDenial, CapsuleLogLevel } from "./host_env.ts";
export { HOST_FUNCTIONS, USER_NAMESPACE } from "./host_functions.ts";
export type { HostErrorCode, HostReply } from "./host_wire.ts";
export { denoResolveHost, type ResolveHost } from "./host_services.ts";
export {
  CapsuleModuleCache,
  type CompiledCapsule,
  loadCapsuleModule,
  type LoadCapsuleOptions,
} from "./load_capsule_module.ts";
export { limitWasmMemory, WASM_PAGE_BYTES } from "./limit_wasm_memory.ts";
export { verifyComponentHash } from "./verify_component_hash.ts";
export { capsuleWorkerPermissions } from "./worker_permissions.ts";
export { WasmCapsule, type WasmCapsuleOptions } from "./wasm_capsule.ts";
// MCP host engine (pure launch), static engine, install registry and flow.
export {
  type LaunchInputs,
  type LaunchResult,
  type McpServerLaunch,
  mcpServerLaunch,
} from "./mcp_engine.ts";
export {
  MAX_STATIC_FILE_BYTES,
  readStaticFiles,
  renderStaticContext,
  type StaticContribution,
  staticContribution,
  staticFilesOf,
  type StaticResult,
  type StaticSkill,
} from "./static_engine.ts";
export {
  ARCHIVE_LIMITS,
  type ArchiveEntry,
  type ArchiveLimits,
  type ArchiveRead,
  readTarArchive,
} from "./capsule_archive.ts";
export {
  capsuleTreeHash,
  stageCapsule,
  type StagedCapsule,
  type TreeHash,
} from "./stage_capsule.ts";
export {
  capabilityItems,
  describeCapabilities,
  selectCapabilities,
  type Selection,
} from "./capability_items.ts";
export {
  CAPSULE_RECORD_PREFIX,
  type CapsuleRecord,
  CapsuleStore,
  type PinnedTool,
  type ServerPin,
  type ServerRecord,
} from "./capsule_store.ts";
export {
  type AuditSink,
  installCapsule,
  type InstallDeps,
  type InstallOutcome,
  type InstallPrompt,
  type ServerInspection,
} from "./install_capsule.ts";
export { removeCapsule, type RemoveOutcome } from "./remove_capsule.ts";
