/**
 * The typed action model: everything an agent can propose, with a risk level,
 * a one-line human summary, and the resource URI and permission that a
 * capability token must cover for it.
 *
 * Resource URIs (the token scope language):
 * `file:///abs/path`, `exec://<executable name>`, `net://host:port`,
 * `mcp://server:tool`, `capsule://id:capability`, `data://destination`,
 * `pay://recipient`, `acl://target`, `grant://resource`.
 *
 * @module
 */

import type { JsonValue } from "../core/mod.ts";

/** How much harm an action can do if it was not what the human wanted. */
export type RiskLevel = "low" | "medium" | "high" | "critical";

/** What a token grants on a resource. */
export type Permission =
  | "read"
  | "write"
  | "delete"
  | "execute"
  | "connect"
  | "call"
  | "transmit"
  | "pay"
  | "admin"
  | "grant";

/** Everything an agent (or capsule) can ask the runtime to do. */
export type Action =
  | { kind: "file_read"; path: string; inWorkspace?: boolean }
  | { kind: "file_write"; path: string; inWorkspace?: boolean; diff?: string }
  | { kind: "file_delete"; path: string; inWorkspace?: boolean }
  | {
    kind: "command";
    /** The command line as the agent wrote it. */
    command: string;
    /** Working directory, absolute. */
    cwd: string;
    /** Resolved executable names or paths the command line would run. */
    executables?: string[];
    /** Code passed inline (`python -c`, `bash -c`, ...): always asks, never remembered. */
    inlineEval?: boolean;
    /** The shell parser could not read the line: asks, or denies where asking is impossible. */
    unparseable?: boolean;
    /** Some paths depend on expansions (`cat $F`, `rm *`): only their static prefixes are listed. */
    unknownPaths?: boolean;
  }
  | { kind: "network"; host: string; port: number; method?: string; url?: string }
  | { kind: "mcp_tool"; server: string; tool: string; args?: JsonValue }
  | { kind: "capsule_exec"; capsule: string; capability: string }
  | {
    kind: "capsule_http";
    capsule: string;
    host: string;
    port: number;
    url: string;
    method: string;
  }
  | {
    kind: "capsule_file";
    capsule: string;
    path: string;
    op: "read" | "write" | "delete" | "list" | "stat" | "mkdir" | "exists";
  }
  | { kind: "data_transmit"; destination: string; bytes: number; description?: string }
  | { kind: "financial"; recipient: string; amountUsd: number; description?: string }
  | { kind: "access_control"; target: string; change: string }
  | { kind: "capability_grant"; resource: string; permissions: Permission[] };

/** The `kind` tags of {@link Action}. */
export type ActionKind = Action["kind"];

/** Every action kind, in a stable order (for tables and validation). */
export const ACTION_KINDS: readonly ActionKind[] = [
  "file_read",
  "file_write",
  "file_delete",
  "command",
  "network",
  "mcp_tool",
  "capsule_exec",
  "capsule_http",
  "capsule_file",
  "data_transmit",
  "financial",
  "access_control",
  "capability_grant",
];

/** Risk level of an action. Files outside the workspace are one step riskier. */
export function riskOf(action: Action): RiskLevel {
  switch (action.kind) {
    case "file_read":
      return action.inWorkspace ? "low" : "medium";
    case "file_write":
      return action.inWorkspace ? "medium" : "high";
    case "file_delete":
      return "high";
    case "command":
      return "high";
    case "network":
      return "medium";
    case "mcp_tool":
      return "medium";
    case "capsule_exec":
      return "medium";
    case "capsule_http":
      return "medium";
    case "capsule_file":
      return action.op === "write" || action.op === "delete" || action.op === "mkdir"
        ? "high"
        : "medium";
    case "data_transmit":
      return "high";
    case "financial":
      return "critical";
    case "access_control":
      return "critical";
    case "capability_grant":
      return "critical";
    default:
      return unreachable(action);
  }
}

/** One line a human reads before deciding ("Delete file: /home/u/x.txt"). */
export function summarize(action: Action): string {
  switch (action.kind) {
    case "file_read":
      return `Read file: ${action.path}`;
    case "file_write":
      return `Write file: ${action.path}`;
    case "file_delete":
      return `Delete file: ${action.path}`;
    case "command":
      return `Run command: ${action.command} (in ${action.cwd})`;
    case "network":
      return `Network request: ${action.method ?? "CONNECT"} ${
        action.url ?? `${action.host}:${action.port}`
      }`;
    case "mcp_tool":
      return `MCP tool call: ${action.server}:${action.tool}`;
    case "capsule_exec":
      return `Capsule ${action.capsule}: use ${action.capability}`;
    case "capsule_http":
      return `Capsule ${action.capsule}: HTTP ${action.method} ${action.url}`;
    case "capsule_file":
      return `Capsule ${action.capsule}: ${action.op} ${action.path}`;
    case "data_transmit":
      return `Send ${action.bytes} bytes to ${action.destination}`;
    case "financial":
      return `Pay $${action.amountUsd.toFixed(2)} to ${action.recipient}`;
    case "access_control":
      return `Change access for ${action.target}: ${action.change}`;
    case "capability_grant":
      return `Grant ${action.permissions.join(", ")} on ${action.resource}`;
    default:
      return unreachable(action);
  }
}

/**
 * The resource URI and permission a token must cover for `action`. A command
 * maps to `exec://<name>` of its first executable; a command line that runs
 * several programs needs a token per program (see the command analysis).
 */
export function resourceOf(action: Action): { resource: string; permission: Permission } {
  switch (action.kind) {
    case "file_read":
      return { resource: fileUri(action.path), permission: "read" };
    case "file_write":
      return { resource: fileUri(action.path), permission: "write" };
    case "file_delete":
      return { resource: fileUri(action.path), permission: "delete" };
    case "command":
      return {
        resource: `exec://${action.executables?.[0] ?? action.command}`,
        permission: "execute",
      };
    case "network":
      return { resource: `net://${action.host}:${action.port}`, permission: "connect" };
    case "mcp_tool":
      return { resource: `mcp://${action.server}:${action.tool}`, permission: "call" };
    case "capsule_exec":
      return {
        resource: `capsule://${action.capsule}:${action.capability}`,
        permission: "execute",
      };
    case "capsule_http":
      return { resource: `net://${action.host}:${action.port}`, permission: "connect" };
    case "capsule_file":
      return {
        resource: fileUri(action.path),
        permission: action.op === "write" || action.op === "mkdir"
          ? "write"
          : action.op === "delete"
          ? "delete"
          : "read",
      };
    case "data_transmit":
      return { resource: `data://${action.destination}`, permission: "transmit" };
    case "financial":
      return { resource: `pay://${action.recipient}`, permission: "pay" };
    case "access_control":
      return { resource: `acl://${action.target}`, permission: "admin" };
    case "capability_grant":
      return { resource: `grant://${action.resource}`, permission: "grant" };
    default:
      return unreachable(action);
  }
}

function fileUri(path: string): string {
  return `file://${path}`;
}

/** Exhaustiveness check for switches over discriminated unions. */
export function unreachable(x: never): never {
  throw new TypeError(`Unexpected value: ${JSON.stringify(x)}`);
}
