/**
 * Turn one proposed tool call into the canonical actions the interceptor
 * checks. Every path is canonicalized against the real file system (symlinks
 * and `..` resolved the way the kernel does) and marked inside or outside the
 * canonical workspace root.
 *
 * Invariant: a call this function cannot classify exactly (bad arguments, an
 * unknown tool, a path that cannot be resolved) is `{ ok: false }`, and the
 * caller denies it. Nothing is guessed.
 *
 * @module
 */

import type { JsonValue } from "../../core/mod.ts";
import type { Action } from "../action.ts";
import { commandActions } from "../command/command_actions.ts";
import type { CommandAnalysis } from "../command/command_analysis.ts";
import { canonicalizePath } from "../path/canonicalize_path.ts";
import type { FsProbe } from "../path/fs_probe.ts";
import { isInside } from "../policy/evaluate_policy.ts";
import { globRoot } from "./glob_root.ts";
import { ToolArgs } from "./tool_args.ts";

/** Where the call would run. */
export interface ClassifyEnv {
  /** Working directory (absolute). Relative paths and `bash` resolve against it. */
  readonly cwd: string;
  /** Workspace root (absolute); resolved to its real path here. */
  readonly workspace: string;
  readonly probe: FsProbe;
}

/** Result of {@link classifyToolCall}. */
export type ClassifiedCall =
  | { ok: true; actions: Action[]; argBytes: number }
  | { ok: false; reason: string };

/** The built-in tools, in the order the agent sees them. */
export const BUILTIN_TOOLS: readonly string[] = [
  "read_file",
  "write_file",
  "edit_file",
  "glob",
  "grep",
  "list_directory",
  "bash",
  "task",
];

const encoder = new TextEncoder();

/** Classify `tool` called with `args`. Pure apart from `env.probe`. */
export function classifyToolCall(tool: string, args: unknown, env: ClassifyEnv): ClassifiedCall {
  let json: string | undefined;
  try {
    json = JSON.stringify(args);
  } catch (e) {
    return { ok: false, reason: `${tool}: arguments are not JSON: ${(e as Error).message}` };
  }
  if (json === undefined) return { ok: false, reason: `${tool}: arguments are missing` };
  const argBytes = encoder.encode(json).length;
  const ws = realRoot("workspace", env.workspace, env.probe);
  if (!ws.ok) return ws;
  const cwd = realRoot("working directory", env.cwd, env.probe);
  if (!cwd.ok) return cwd;
  try {
    const actions = classify(tool, args, { workspace: ws.path, cwd: cwd.path, probe: env.probe });
    return { ok: true, actions, argBytes };
  } catch (e) {
    if (e instanceof TypeError || e instanceof Unresolvable) {
      return { ok: false, reason: e.message };
    }
    throw e;
  }
}

class Unresolvable extends Error {}

interface Ctx {
  readonly workspace: string;
  readonly cwd: string;
  readonly probe: FsProbe;
}

function classify(tool: string, args: unknown, ctx: Ctx): Action[] {
  switch (tool) {
    case "read_file": {
      const a = ToolArgs.of(tool, args, ["path", "offset", "limit"]);
      const path = a.string("path");
      a.optionalInt("offset", 0);
      a.optionalInt("limit", 1);
      return [file("file_read", path, ctx)];
    }
    case "write_file": {
      const a = ToolArgs.of(tool, args, ["path", "content"]);
      const path = a.string("path");
      a.text("content");
      return [file("file_write", path, ctx)];
    }
    case "edit_file": {
      const a = ToolArgs.of(tool, args, ["path", "old_string", "new_string", "replace_all"]);
      const path = a.string("path");
      a.text("old_string");
      a.text("new_string");
      a.optionalBoolean("replace_all");
      // It reads the file (the diff shows its content) and writes it back.
      return [file("file_read", path, ctx), file("file_write", path, ctx)];
    }
    case "glob": {
      const a = ToolArgs.of(tool, args, ["pattern", "path"]);
      const pattern = a.string("pattern");
      const base = a.optionalString("path") ?? ".";
      const root = globRoot(pattern);
      if (!root.ok) throw new TypeError(`glob: ${root.reason}`);
      const start = root.absolute ? root.base : `${base.replace(/\/+$/, "") || "/"}/${root.base}`;
      return [file("file_read", start, ctx)];
    }
    case "grep": {
      const a = ToolArgs.of(tool, args, [
        "pattern",
        "path",
        "glob",
        "case_insensitive",
        "max_results",
      ]);
      a.string("pattern");
      a.optionalBoolean("case_insensitive");
      a.optionalInt("max_results", 1);
      const path = a.optionalString("path") ?? ".";
      const filter = a.optionalString("glob");
      if (filter !== undefined) {
        const root = globRoot(filter);
        if (!root.ok) throw new TypeError(`grep: "glob" ${root.reason}`);
        if (root.absolute) {
          throw new TypeError(`grep: "glob" "${filter}" must be relative to "path"`);
        }
      }
      return [file("file_read", path, ctx)];
    }
    case "list_directory": {
      const a = ToolArgs.of(tool, args, ["path"]);
      return [file("file_read", a.optionalString("path") ?? ".", ctx)];
    }
    case "bash": {
      const a = ToolArgs.of(tool, args, ["command", "timeout_secs"]);
      const command = a.string("command");
      a.optionalPositive("timeout_secs");
      const r = commandActions(command, ctx.cwd, ctx.probe);
      if (!r.ok) throw new Unresolvable(`bash: ${r.reason}`);
      return bashActions(r.actions, r.analysis, ctx);
    }
    case "task": {
      // Sub-agents are the runtime's business: each of their own calls is classified.
      const a = ToolArgs.of(tool, args, ["description", "prompt", "tools"]);
      a.string("description");
      a.string("prompt");
      a.optionalStrings("tools");
      return [];
    }
    default:
      if (tool.startsWith("mcp:")) return [mcp(tool, args)];
      throw new TypeError(
        `unknown tool "${tool}" (expected one of ${
          BUILTIN_TOOLS.join(", ")
        }, or mcp:<server>:<tool>)`,
      );
  }
}

/**
 * Complete and mark what `commandActions` returned. Defensive on purpose:
 * removed paths the analyser lists are added as deletes when no delete
 * action came back for them, so `rm /etc/x` can never pass as a plain
 * command; a command whose paths are partly unknown is flagged for the mode.
 */
function bashActions(actions: readonly Action[], analysis: CommandAnalysis, ctx: Ctx): Action[] {
  const out: Action[] = [];
  for (const act of actions) {
    if (act.kind === "command") {
      out.push(analysis.ok && analysis.hasUnknownPaths ? { ...act, unknownPaths: true } : act);
    } else if (
      act.kind === "file_read" || act.kind === "file_write" || act.kind === "file_delete"
    ) {
      out.push(marked(act, ctx));
    } else out.push(act);
  }
  if (analysis.ok) {
    for (const p of analysis.deletePaths) {
      const c = canonicalizePath(p, ctx.cwd, ctx.probe);
      if (!c.ok) throw new Unresolvable(`bash: cannot resolve path "${p}": ${c.reason}`);
      if (!out.some((a) => a.kind === "file_delete" && a.path === c.path)) {
        out.push(marked({ kind: "file_delete", path: c.path }, ctx));
      }
    }
  }
  return out;
}

function marked<A extends Extract<Action, { path: string; inWorkspace?: boolean }>>(
  act: A,
  ctx: Ctx,
): A {
  // The analyser leaves `~` unexpanded; resolved against cwd it would look
  // like a harmless workspace path (`~/.bashrc` -> `<ws>/~/.bashrc`).
  if (act.path.split("/").includes("~")) {
    throw new Unresolvable(
      `bash: path "${act.path}" goes through "~" (the home folder), which is not resolved here`,
    );
  }
  return { ...act, inWorkspace: isInside(ctx.workspace, act.path) };
}

function file(kind: "file_read" | "file_write", input: string, ctx: Ctx): Action {
  const c = canonicalizePath(input, ctx.cwd, ctx.probe);
  if (!c.ok) throw new Unresolvable(`cannot resolve path "${input}": ${c.reason}`);
  return { kind, path: c.path, inWorkspace: isInside(ctx.workspace, c.path) };
}

function mcp(tool: string, args: unknown): Action {
  const rest = tool.slice("mcp:".length);
  const i = rest.indexOf(":");
  const server = i < 0 ? "" : rest.slice(0, i);
  const name = i < 0 ? "" : rest.slice(i + 1);
  if (!/^[A-Za-z0-9_.-]+$/.test(server) || !/^[\x20-\x7e]+$/.test(name)) {
    throw new TypeError(`MCP tool "${tool}" must be named mcp:<server>:<tool>`);
  }
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new TypeError(`${tool}: expected a JSON object of arguments`);
  }
  // A plain JSON copy: what is checked and hashed is what gets sent.
  return {
    kind: "mcp_tool",
    server,
    tool: name,
    args: JSON.parse(JSON.stringify(args)) as JsonValue,
  };
}

function realRoot(
  what: string,
  path: string,
  probe: FsProbe,
): { ok: true; path: string } | { ok: false; reason: string } {
  if (!path.startsWith("/") || path.includes("\0")) {
    return { ok: false, reason: `${what} "${path}" is not an absolute path` };
  }
  let real: string | null;
  try {
    real = probe.realPath(path);
  } catch (e) {
    return { ok: false, reason: `cannot resolve ${what} "${path}": ${(e as Error).message}` };
  }
  if (real === null) return { ok: false, reason: `${what} "${path}" does not exist` };
  return { ok: true, path: real };
}
