/**
 * The key a session allowance for a command is stored under: the program
 * and its argument shape, as the command analyser defines it. `undefined`
 * for anything that must never be remembered (inline eval, chains,
 * redirections, substitutions, lines that did not parse).
 *
 * @module
 */

import type { Action } from "../security/mod.ts";
import { analyzeCommand, commandShape, isRememberable } from "../security/command/mod.ts";

/** `cmd:<shape>` for a rememberable command action, else `undefined`. */
export function commandKeyOf(action: Extract<Action, { kind: "command" }>): string | undefined {
  if (action.inlineEval || action.unparseable || action.unknownPaths) return undefined;
  const analysis = analyzeCommand(action.command, action.cwd);
  if (!analysis.ok || !isRememberable(analysis)) return undefined;
  const shape = commandShape(analysis);
  return shape === null ? undefined : `cmd:${shape}`;
}
