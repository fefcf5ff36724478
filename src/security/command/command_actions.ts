/**
 * Turns a shell command line into the {@link Action}s the policy checks: one
 * `command` action for the whole line, plus one file action per path it
 * reads, writes or deletes, plus one `network` action per destination.
 *
 * Choices:
 * - A line the parser cannot read is NOT a failure of this function. It
 *   becomes a single `command` action with executable `"<unparseable>"` and
 *   `unparseable: true`, so the policy asks the human (or denies where asking
 *   is impossible) instead of anyone guessing what the line does. The
 *   analysis (`ok: false`, with the reason and position) comes along for the
 *   approval prompt.
 * - A path that cannot be canonicalized IS a failure (`ok: false`): no
 *   decision can be made on a path we cannot resolve, so the caller denies.
 *   That includes `~` paths when no home folder was given (and `~user`).
 *
 * @example
 * ```ts
 * const r = commandActions("cat /etc/shadow", "/work", probe);
 * // r.ok && r.actions -> [{kind:"command", executables:["cat"], ...},
 * //                      {kind:"file_read", path:"/etc/shadow"}]
 * ```
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

/** Options of {@link commandActions}. */
export interface CommandActionsOptions {
  /** The home folder `~` means for this command (absolute). Without it, `~` paths fail. */
  readonly home?: string;
}

/** The actions a shell command line `line`, run in `cwd`, amounts to. */
export function commandActions(
  line: string,
  cwd: string,
  probe: FsProbe,
  options: CommandActionsOptions = {},
): CommandActions {
  const analysis = analyzeCommand(
    line,
    cwd,
    options.home === undefined ? {} : { home: options.home },
  );
  if (!analysis.ok) {
    const command: Action = {
      kind: "command",
      command: line,
      cwd,
      executables: ["<unparseable>"],
      unparseable: true,
    };
    return { ok: true, actions: [command], analysis };
  }
  const executables: string[] = [];
  for (const c of analysis.commands) {
    if (!executables.includes(c.executable)) executables.push(c.executable);
  }
  const command: Action = { kind: "command", command: line, cwd, executables };
  if (analysis.inlineEval) command.inlineEval = true;
  if (analysis.hasUnknownPaths) command.unknownPaths = true;
  const actions: Action[] = [command];
  const lists = [
    ["file_read", analysis.readPaths],
    ["file_write", analysis.writePaths],
    ["file_delete", analysis.deletePaths],
  ] as const;
  for (const [kind, paths] of lists) {
    for (const p of paths) {
      if (p.startsWith("~")) {
        return {
          ok: false,
          reason: `path "${p}" is relative to a home folder, which was not given to resolve it`,
        };
      }
      const c = canonicalizePath(p, cwd, probe);
      if (!c.ok) return { ok: false, reason: c.reason };
      if (!actions.some((a) => a.kind === kind && a.path === c.path)) {
        actions.push({ kind, path: c.path });
      }
    }
  }
  for (const n of analysis.network) {
    if (actions.some((a) => a.kind === "network" && a.host === n.host && a.port === n.port)) {
      continue;
    }
    actions.push(
      n.url === undefined
        ? { kind: "network", host: n.host, port: n.port }
        : { kind: "network", host: n.host, port: n.port, url: n.url },
    );
  }
  return { ok: true, actions, analysis };
}
