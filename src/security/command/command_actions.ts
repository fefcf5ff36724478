/**
 * Turns a shell command line into the {@link Action}s the policy checks: one
 * `command` action for the whole line, plus one file action per path it
 * reads, writes or deletes, plus one `network` action per destination.
 *
 * Choice for lines the parser cannot read: they are NOT a failure of this
 * function. They become a single `command` action with executable
 * `"<unparseable>"` and `unparseable: true`, so the policy asks the human (or
 * denies where asking is impossible) instead of the caller guessing.
 * A path that cannot be canonicalized IS a failure (`ok: false`): the caller
 * must deny, since no decision can be made on a path we cannot resolve.
 *
 * @module
 */

import type { Action } from "../action.ts";
import { canonicalizePath } from "../path/canonicalize_path.ts";
import type { FsProbe } from "../path/fs_probe.ts";
import { analyzeCommand } from "./analyze_command.ts";
import type { CommandAnalysis } from "./command_analysis.ts";

/** Result of {@link commandActions}. */
export type CommandActions =
  | { ok: true; actions: Action[]; analysis: CommandAnalysis }
  | { ok: false; reason: string };

/** The actions a shell command line `line`, run in `cwd`, amounts to. */
export function commandActions(line: string, cwd: string, probe: FsProbe): CommandActions {
  const analysis = analyzeCommand(line, cwd);
  if (!analysis.ok) {
    return {
      ok: true,
      actions: [{
        kind: "command",
        command: line,
        cwd,
        executables: ["<unparseable>"],
        unparseable: true,
      }],
      analysis,
    };
  }
  const executables: string[] = [];
  for (const c of analysis.commands) {
    if (!executables.includes(c.executable)) executables.push(c.executable);
  }
  const command: Action = { kind: "command", command: line, cwd, executables };
  if (analysis.commands.some((c) => c.inlineEval)) command.inlineEval = true;
  const actions: Action[] = [command];
  for (const p of analysis.readPaths) {
    const c = canonicalizePath(p, cwd, probe);
    if (!c.ok) return { ok: false, reason: c.reason };
    actions.push({ kind: "file_read", path: c.path });
  }
  for (const p of analysis.writePaths) {
    const c = canonicalizePath(p, cwd, probe);
    if (!c.ok) return { ok: false, reason: c.reason };
    actions.push({ kind: "file_write", path: c.path });
  }
  for (const n of analysis.network) {
    actions.push({ kind: "network", host: n.host, port: n.port });
  }
  return { ok: true, actions, analysis };
}
