/**
 * How "Allow Session" generalizes, safely. A file allowance covers exactly the
 * approved canonical resource and permission, nothing around it. A command
 * allowance covers the same executable with the same argument shape, and is
 * never created for inline evaluation, chains, redirections or substitutions
 * (the command analyser's `commandKey` returns `undefined` for those).
 *
 * @module
 */

import { type Action, resourceOf } from "../action.ts";
import type { SessionAllowance } from "../interceptor/ports.ts";

/** Maps a command action to `cmd:<executable>:<shape>`, or `undefined` when it must not be remembered. */
export type CommandKey = (action: Extract<Action, { kind: "command" }>) => string | undefined;

/** The pattern and permission an "Allow Session" answer would store for `action`. */
export function allowancePatternFor(
  action: Action,
  commandKey: CommandKey,
): { pattern: string; permission: SessionAllowance["permission"] } | undefined {
  if (action.kind === "command") {
    if (action.inlineEval || action.unparseable) return undefined;
    const key = commandKey(action);
    return key === undefined ? undefined : { pattern: key, permission: "execute" };
  }
  const { resource, permission } = resourceOf(action);
  return { pattern: resource, permission };
}

/** True when `allowance` covers `action` exactly as defined above. */
export function allowanceCovers(
  allowance: SessionAllowance,
  action: Action,
  commandKey: CommandKey,
): boolean {
  const want = allowancePatternFor(action, commandKey);
  return want !== undefined && want.pattern === allowance.pattern &&
    want.permission === allowance.permission;
}
