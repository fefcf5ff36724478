/**
 * Stage 1 of the interceptor: the admin's hard boundaries, as a pure
 * function of one action. `allow` means only "the policy does not object";
 * the token, budget and approval stages still run after it.
 *
 * Invariants:
 * - Every deny names its rule (`floor:path:/etc/**`,
 *   `config:policy.denied_paths[2]`) and quotes the value that hit it.
 * - Paths must arrive canonical (see `canonicalizePath`). A path that is not
 *   absolute and normal, or that carries `..` or NUL, cannot be what the OS
 *   will touch: it is denied, never matched loosely.
 * - Deny beats ask: `always_ask_tools` only applies when nothing denies.
 *
 * @module
 */

import { type Action, unreachable } from "../action.ts";
import type { CompiledPolicy, NamedRule } from "./compile_policy.ts";
import { normalizeHost } from "./host_pattern.ts";
import { FLOOR_DEV_EXCEPTIONS } from "./policy_floor.ts";

/** What the policy says about one action. */
export type PolicyDecision =
  | { kind: "allow" }
  | { kind: "ask"; rule: string; reason: string }
  | { kind: "deny"; rule: string; reason: string };

/** Facts about the call the action came from. */
export interface PolicyMeta {
  /** Tool name (`bash`, `mcp:github:create_issue`), for `always_ask_tools`. */
  tool?: string;
  /** UTF-8 size of the call's JSON arguments, for `max_argument_bytes`. */
  argBytes?: number;
  /** The capsule asking, for `blocked_capsules`. */
  capsule?: string;
}

type Op = "read" | "write" | "delete";
type Deny = Extract<PolicyDecision, { kind: "deny" }>;

const ALLOW: PolicyDecision = Object.freeze({ kind: "allow" });

/** Evaluate the admin policy for `action`. Pure; never throws for any action. */
export function evaluatePolicy(
  policy: CompiledPolicy,
  action: Action,
  meta: PolicyMeta = {},
): PolicyDecision {
  const hosts = checkHosts(policy, action);
  const denied = checkSize(policy, meta.argBytes) ?? checkCommands(policy, action) ??
    checkPaths(policy, action) ?? (hosts?.kind === "deny" ? hosts : undefined) ??
    checkCapsules(policy, action, meta.capsule);
  if (denied) return denied;
  return checkAlwaysAsk(policy, action, meta.tool) ?? hosts ?? ALLOW;
}

/**
 * The rules that concern the call rather than any action (argument size,
 * blocked capsule, always-ask tool), for a call that has no actions at all
 * (`task`). `evaluatePolicy()` applies them to every action anyway.
 */
export function evaluateCallPolicy(policy: CompiledPolicy, meta: PolicyMeta): PolicyDecision {
  const denied = checkSize(policy, meta.argBytes) ?? checkCapsules(policy, undefined, meta.capsule);
  if (denied) return denied;
  return checkAlwaysAsk(policy, undefined, meta.tool) ?? ALLOW;
}

function checkSize(policy: CompiledPolicy, size: number | undefined): Deny | undefined {
  if (size === undefined) return undefined;
  if (!Number.isFinite(size) || size < 0) {
    return deny("policy:arguments", `Argument size ${String(size)} is not a byte count`);
  }
  if (size > policy.maxArgumentBytes) {
    return deny(
      "config:policy.max_argument_bytes",
      `Arguments are ${size} bytes, over the limit of ${policy.maxArgumentBytes} bytes (policy.max_argument_bytes)`,
    );
  }
  return undefined;
}

function deny(rule: string, reason: string): Deny {
  return { kind: "deny", rule, reason };
}

function source(r: NamedRule): string {
  if (r.rule.startsWith("floor:")) {
    return `the built-in rule "${r.pattern}" (no configuration can remove it)`;
  }
  return `${r.rule.slice("config:".length)} "${r.pattern}"`;
}

function checkCommands(policy: CompiledPolicy, action: Action): Deny | undefined {
  if (action.kind !== "command") return undefined;
  const exes = action.executables ?? [];
  // Where the analyser could not see every program (an unreadable line, code
  // passed to `python -c`, a `<dynamic>` program name such as `$(echo sudo)`,
  // an unanalysed action), every word of the raw text
  // counts: "sudo is always blocked" must hold even if a human would approve.
  const opaque = action.executables === undefined || action.unparseable === true ||
    action.inlineEval === true || exes.some((e) => e.startsWith("<"));
  for (const exe of opaque ? [...exes, ...words(action.command)] : exes) {
    // `/usr/bin/sudo`, `./sudo` and `SUDO` are all sudo to the policy.
    const trimmed = exe.replace(/\/+$/, "");
    const base = trimmed.slice(trimmed.lastIndexOf("/") + 1).toLowerCase();
    const hit = policy.blockedNames.get(base) ??
      policy.blockedGlobs.find((g) => g.glob.matches(base));
    if (hit) {
      return deny(hit.rule, `Command "${exe}" is blocked by ${source(hit)}`);
    }
  }
  return undefined;
}

/** Shell-ish words of `line` with quotes and backslashes removed (`s"u"do` is `sudo`). */
function words(line: string): string[] {
  return line.replace(/['"\\]/g, "").split(/[\s;&|()<>`${}=,]+/).filter((w) => w !== "");
}

function checkPaths(policy: CompiledPolicy, action: Action): Deny | undefined {
  switch (action.kind) {
    case "file_read":
      return checkPath(policy, action.path, "read", "Reading");
    case "file_write":
      return checkPath(policy, action.path, "write", "Writing");
    case "file_delete":
      return checkPath(policy, action.path, "delete", "Deleting");
    case "capsule_file": {
      const op: Op = action.op === "write" || action.op === "mkdir"
        ? "write"
        : action.op === "delete"
        ? "delete"
        : "read";
      return checkPath(policy, action.path, op, `Capsule "${action.capsule}" ${action.op} on`);
    }
    case "command":
      return checkPath(policy, action.cwd, "read", "Running a command in");
    case "network":
    case "mcp_tool":
    case "capsule_exec":
    case "capsule_http":
    case "data_transmit":
    case "financial":
    case "access_control":
    case "capability_grant":
      return undefined;
    default:
      return unreachable(action);
  }
}

function checkPath(policy: CompiledPolicy, path: string, op: Op, verb: string): Deny | undefined {
  const unsafe = unsafePathReason(path);
  if (unsafe) {
    return deny("policy:path:unresolvable", `${verb} "${path}" is denied: ${unsafe}`);
  }
  for (const r of policy.deniedPaths) {
    if (r.scope === "write" && op === "read") continue;
    if (!r.glob.matches(path)) continue;
    if (r.devExceptions && op !== "delete" && FLOOR_DEV_EXCEPTIONS[op].includes(path)) continue;
    return deny(r.rule, `${verb} "${path}" is denied by ${source(r)}`);
  }
  if (policy.allowedPaths.length > 0 && !inside(policy.workspace, path)) {
    if (!policy.allowedPaths.some((r) => r.glob.matches(path))) {
      return deny(
        "config:policy.allowed_paths",
        `${verb} "${path}" is denied: it is outside the workspace "${policy.workspace}" and matches none of policy.allowed_paths ${
          JSON.stringify(policy.allowedPaths.map((r) => r.pattern))
        }`,
      );
    }
  }
  return undefined;
}

/** Why `path` is not a canonical absolute path, or `undefined` when it is one. */
export function unsafePathReason(path: string): string | undefined {
  if (path.includes("\0")) return "it contains a NUL byte";
  if (!path.startsWith("/")) return "it is not an absolute path";
  if (path === "/") return undefined;
  if (path.endsWith("/")) return 'it is not canonical (trailing "/")';
  const segments = path.split("/");
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i];
    if (s === "..") return `it contains ".." and cannot be resolved safely`;
    if (s === "" || s === ".") return 'it is not canonical (empty or "." segment)';
  }
  return undefined;
}

/** True when canonical `path` is `root` or below it (`/srv/app-other` is not below `/srv/app`). */
export function isInside(root: string, path: string): boolean {
  return inside(root, path);
}

function inside(root: string, path: string): boolean {
  if (root === "/") return path.startsWith("/");
  return path === root || (path.startsWith(root) && path.charCodeAt(root.length) === 47);
}

function checkHosts(policy: CompiledPolicy, action: Action): PolicyDecision | undefined {
  if (action.kind !== "network" && action.kind !== "capsule_http") return undefined;
  const where = `${action.host}:${action.port}`;
  const port = action.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return deny("policy:host:invalid", `Connecting to "${where}" is denied: invalid port`);
  }
  if (PLACEHOLDER.test(action.host) || port === 0) {
    return checkUnknownHost(policy, action.host, port);
  }
  const host = normalizeHost(action.host);
  if (host === undefined) {
    return deny(
      "policy:host:invalid",
      `Connecting to "${where}" is denied: "${action.host}" is not a valid host name or address`,
    );
  }
  const shown = host === action.host ? `"${where}"` : `"${where}" (${host})`;
  for (const r of policy.deniedHosts) {
    if (r.host.matches(host, port)) {
      return deny(r.rule, `Connecting to ${shown} is denied by ${source(r)}`);
    }
  }
  if (
    policy.allowedHosts.length > 0 && !policy.allowedHosts.some((r) => r.host.matches(host, port))
  ) {
    return deny(
      "config:policy.allowed_hosts",
      `Connecting to ${shown} is denied: it matches none of policy.allowed_hosts ${
        JSON.stringify(policy.allowedHosts.map((r) => r.pattern))
      }`,
    );
  }
  return undefined;
}

/** `<git-remote>`, `<listen>`, `<dynamic>`: the command analyser could not tell where. */
const PLACEHOLDER = /^<[a-z-]+>$/;

/**
 * A destination the analyser could not pin down (a git remote name, an
 * expansion, a listening socket, or port 0 = unknown). It cannot be proven to
 * match `allowed_hosts`, so an allow list denies it; it cannot be proven to
 * miss `denied_hosts`, so deny rules make it ask (a human sees the command).
 */
function checkUnknownHost(
  policy: CompiledPolicy,
  rawHost: string,
  port: number,
): PolicyDecision | undefined {
  const known = PLACEHOLDER.test(rawHost) ? undefined : normalizeHost(rawHost);
  const where = `"${rawHost}${port === 0 ? "" : `:${port}`}"`;
  if (known !== undefined) {
    // Known host, unknown port: a port-less deny rule still decides.
    const hit = policy.deniedHosts.find((r) =>
      r.host.port === undefined && r.host.matches(known, 0)
    );
    if (hit) return deny(hit.rule, `Connecting to ${where} (any port) is denied by ${source(hit)}`);
    if (
      policy.allowedHosts.length > 0 &&
      policy.allowedHosts.some((r) => r.host.port === undefined && r.host.matches(known, 0))
    ) return undefined;
  }
  if (policy.allowedHosts.length > 0) {
    return deny(
      "config:policy.allowed_hosts",
      `Connecting to ${where} is denied: the destination is not known exactly, so it cannot be matched against policy.allowed_hosts ${
        JSON.stringify(policy.allowedHosts.map((r) => r.pattern))
      }`,
    );
  }
  if (policy.deniedHosts.length > 0) {
    return {
      kind: "ask",
      rule: "policy:host:unknown",
      reason:
        `The destination ${where} is not known exactly, so policy.denied_hosts cannot rule it out: a human must look`,
    };
  }
  return undefined;
}

function checkCapsules(
  policy: CompiledPolicy,
  action: Action | undefined,
  capsule: string | undefined,
): Deny | undefined {
  if (policy.blockedCapsules.length === 0) return undefined;
  const ids: string[] = [];
  if (capsule !== undefined) ids.push(capsule);
  if (
    action?.kind === "capsule_exec" || action?.kind === "capsule_http" ||
    action?.kind === "capsule_file"
  ) ids.push(action.capsule);
  for (const id of ids) {
    const hit = policy.blockedCapsules.find((r) => r.glob.matches(id));
    if (hit) return deny(hit.rule, `Capsule "${id}" is blocked by ${source(hit)}`);
  }
  return undefined;
}

function checkAlwaysAsk(
  policy: CompiledPolicy,
  action: Action | undefined,
  tool: string | undefined,
): PolicyDecision | undefined {
  if (policy.alwaysAskTools.length === 0) return undefined;
  const names: string[] = [];
  if (tool !== undefined) names.push(tool);
  if (action?.kind === "mcp_tool") names.push(`mcp:${action.server}:${action.tool}`);
  for (const name of names) {
    const hit = policy.alwaysAskTools.find((r) => r.glob.matches(name));
    if (hit) {
      return {
        kind: "ask",
        rule: hit.rule,
        reason: `Tool "${name}" always needs approval (${source(hit)})`,
      };
    }
  }
  return undefined;
}
