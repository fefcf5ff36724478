/**
 * The workspace mode (`[workspace] mode` and `escape_policy`): which actions
 * run without a human, which ask, and what happens outside the workspace.
 * Runs after the admin policy; it can never allow what the policy denied.
 *
 * | action                         | safe                 | guided | autonomous |
 * |--------------------------------|----------------------|--------|------------|
 * | read inside                    | ask (allow if in `read_allowlist`) | allow | allow |
 * | write / delete inside          | ask                  | ask    | allow      |
 * | command, cwd inside            | ask                  | ask    | allow      |
 * | inline eval / unparseable line | ask                  | ask    | ask        |
 * | program from an expansion      | ask                  | ask    | ask        |
 * | command with unknown paths     | ask                  | ask    | ask        |
 * | network, MCP tool              | ask                  | ask    | ask        |
 * | capsule use                    | ask                  | ask    | allow      |
 * | transmit, pay, access, grant   | ask                  | ask    | ask        |
 * | `/dev/null`, `/dev/zero`, `/dev/urandom` (the floor's exceptions) | allow |||
 * | anything outside the workspace | `escape_policy`: ask, or deny         |||
 *
 * "Inside" is decided on the canonical path against the canonical root
 * (never on the action's own `inWorkspace` flag); a path that is not
 * canonical counts as outside. Paths matching `policy.allowed_paths` count
 * as inside: the admin has declared them part of the agent's working area.
 * `read_allowlist` globs are relative to the workspace root unless absolute;
 * a read matching one runs without asking in every mode.
 *
 * A command line's paths and hosts arrive as separate file and network
 * actions (see `commandActions`), so "autonomous runs a command only when
 * everything it touches stays inside" holds when every action of a call goes
 * through this function, which is what the interceptor does.
 *
 * @module
 */

import { type Action, unreachable } from "../action.ts";
import { compileGlob } from "../glob.ts";
import { escapeGlob, type GlobRule } from "./compile_policy.ts";
import { isInside, unsafePathReason } from "./evaluate_policy.ts";
import { FLOOR_DEV_EXCEPTIONS } from "./policy_floor.ts";

/** `[workspace] mode`. */
export type WorkspaceMode = "safe" | "guided" | "autonomous";
/** `[workspace] escape_policy`. */
export type EscapePolicy = "ask" | "deny";

/** The `[workspace]` settings the decision needs (the config's section fits as is). */
export interface ModeSettings {
  readonly mode: WorkspaceMode;
  readonly escape_policy: EscapePolicy;
  readonly read_allowlist: readonly string[];
}

/** Where the workspace is. A `CompiledPolicy` fits as is. */
export interface ModeScope {
  /** Canonical workspace root. */
  readonly workspace: string;
  /** Compiled `policy.allowed_paths`: counted as inside. */
  readonly allowedPaths?: readonly Pick<GlobRule, "glob">[];
}

/** The mode's verdict on one action (same shape as a policy verdict, `rule` included). */
export type ModeDecision =
  | { kind: "allow"; rule: string; reason: string }
  | { kind: "ask"; rule: string; reason: string }
  | { kind: "deny"; rule: string; reason: string };

type Op = "read" | "write" | "delete";

/** Decide `action` under `settings`. Pure. */
export function modeDecision(
  action: Action,
  settings: ModeSettings,
  scope: ModeScope,
): ModeDecision {
  const m = settings.mode;
  switch (action.kind) {
    case "file_read":
      return fileDecision(action.path, "read", settings, scope);
    case "file_write":
      return fileDecision(action.path, "write", settings, scope);
    case "file_delete":
      return fileDecision(action.path, "delete", settings, scope);
    case "capsule_file":
      return fileDecision(
        action.path,
        action.op === "write" || action.op === "mkdir"
          ? "write"
          : action.op === "delete"
          ? "delete"
          : "read",
        settings,
        scope,
      );
    case "command": {
      if (!within(action.cwd, scope)) {
        return escape(`Running a command in "${action.cwd}"`, settings, scope);
      }
      if (action.unparseable) {
        return ask(
          "mode:unparseable",
          `The command line could not be parsed: ${
            quote(action.command)
          } needs a human in every mode`,
        );
      }
      if (action.inlineEval) {
        return ask(
          "mode:inline_eval",
          `The command passes code inline: ${quote(action.command)} needs a human in every mode`,
        );
      }
      if (action.executables?.some((e) => e.startsWith("<"))) {
        return ask(
          "mode:dynamic_program",
          `The program of ${
            quote(action.command)
          } depends on an expansion: it needs a human in every mode`,
        );
      }
      if (m === "autonomous") {
        if (action.unknownPaths) {
          return ask(
            "mode:autonomous:unknown_paths",
            `Some paths of ${
              quote(action.command)
            } depend on expansions, so autonomous mode cannot tell they stay inside the workspace`,
          );
        }
        return allow(
          "mode:autonomous:command",
          `Autonomous mode runs commands inside the workspace`,
        );
      }
      return ask(`mode:${m}:command`, `${cap(m)} mode asks before running a command`);
    }
    case "network":
    case "capsule_http":
      return ask(
        `mode:${m}:network`,
        `Network access to "${action.host}:${action.port}" needs a human in every mode`,
      );
    case "mcp_tool":
      return ask(
        `mode:${m}:mcp_tool`,
        `MCP tool "${action.server}:${action.tool}" runs outside the workspace boundary: ${m} mode asks`,
      );
    case "capsule_exec":
      if (m === "autonomous") {
        return allow("mode:autonomous:capsule", `Autonomous mode lets sandboxed capsules run`);
      }
      return ask(
        `mode:${m}:capsule`,
        `${cap(m)} mode asks before capsule "${action.capsule}" uses ${action.capability}`,
      );
    case "data_transmit":
    case "financial":
    case "access_control":
    case "capability_grant":
      return ask(
        `mode:${m}:${action.kind}`,
        `A ${action.kind.replace("_", " ")} needs a human in every mode`,
      );
    default:
      return unreachable(action);
  }
}

function fileDecision(
  path: string,
  op: Op,
  settings: ModeSettings,
  scope: ModeScope,
): ModeDecision {
  const m = settings.mode;
  const verb = op === "read" ? "Reading" : op === "write" ? "Writing" : "Deleting";
  if (op === "read" && unsafePathReason(path) === undefined) {
    const hit = settings.read_allowlist.find((g) => allowlisted(g, path, scope.workspace));
    if (hit !== undefined) {
      return allow("mode:read_allowlist", `"${path}" matches workspace.read_allowlist "${hit}"`);
    }
  }
  if (op !== "delete" && FLOOR_DEV_EXCEPTIONS[op].includes(path)) {
    // `2>/dev/null`, `head -c 16 /dev/urandom`: nothing leaves, nothing changes.
    return allow("mode:harmless_device", `"${path}" is a harmless device (see the policy floor)`);
  }
  if (!within(path, scope)) return escape(`${verb} "${path}"`, settings, scope);
  if (op === "read") {
    if (m === "safe") {
      return ask(
        "mode:safe:read",
        `Safe mode asks before reading "${path}" (not in workspace.read_allowlist)`,
      );
    }
    return allow(`mode:${m}:read`, `${cap(m)} mode reads inside the workspace without asking`);
  }
  if (m === "autonomous") {
    return allow(
      `mode:autonomous:${op}`,
      `Autonomous mode changes files inside the workspace without asking`,
    );
  }
  return ask(`mode:${m}:${op}`, `${cap(m)} mode asks before ${verb.toLowerCase()} "${path}"`);
}

function allowlisted(pattern: string, path: string, workspace: string): boolean {
  const full = pattern.startsWith("/")
    ? pattern
    : `${workspace === "/" ? "" : escapeGlob(workspace)}/${pattern.replace(/^(\.\/)+/, "")}`;
  try {
    return compileGlob(full, { separator: "/" }).matches(path);
  } catch {
    return false; // An invalid entry allows nothing (config validation reports it).
  }
}

function within(path: string, scope: ModeScope): boolean {
  if (unsafePathReason(path) !== undefined) return false;
  if (isInside(scope.workspace, path)) return true;
  return scope.allowedPaths?.some((r) => r.glob.matches(path)) ?? false;
}

function escape(what: string, settings: ModeSettings, scope: ModeScope): ModeDecision {
  const where = `outside the workspace "${scope.workspace}"`;
  if (settings.escape_policy === "deny") {
    return {
      kind: "deny",
      rule: "workspace:escape_policy=deny",
      reason: `${what} is ${where}, and workspace.escape_policy is "deny"`,
    };
  }
  return ask("workspace:escape_policy=ask", `${what} is ${where}: workspace.escape_policy asks`);
}

function allow(rule: string, reason: string): ModeDecision {
  return { kind: "allow", rule, reason };
}

function ask(rule: string, reason: string): ModeDecision {
  return { kind: "ask", rule, reason };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function quote(command: string): string {
  return JSON.stringify(command.length > 200 ? `${command.slice(0, 200)}...` : command);
}
