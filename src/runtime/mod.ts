/**
 * The runtime: opens the security core and wires it for frontends.
 *
 * @module
 */

export {
  type OpenSecurityOptions,
  openSecurityRuntime,
  type SecurityRuntime,
} from "./security_runtime.ts";
export { createTokenGate, type KvTokenGate, tokenRequirements } from "./token_gate.ts";
export { commandKeyOf } from "./command_key.ts";
export { acknowledgeAudit, AUDIT_ACK_KEY, type AuditAck, auditAcknowledged } from "./audit_ack.ts";
export {
  builtinTool,
  runTool,
  type ToolCallContext,
  toolLimits,
  type ToolRun,
} from "./run_tool.ts";
export * from "./agent/mod.ts";
export {
  type CapsuleTools,
  type CapsuleToolsOptions,
  openCapsuleTools,
  type StartedServer,
} from "./capsule_tools.ts";
export {
  CONFIG_SERVER_PREFIX,
  type ConfigServer,
  configServerLaunch,
  listServers,
  type ServerEntry,
  type ServerListOptions,
} from "./mcp_servers.ts";
