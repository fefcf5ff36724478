/**
 * Opens the security runtime for one CLI command (config from every layer,
 * `--workspace`, `--set`), runs `fn`, and always closes it.
 *
 * @module
 */

import type { Command } from "commander";
import { resolveHome, resolveWorkspace } from "../../config/mod.ts";
import { openSecurityRuntime, type SecurityRuntime } from "../../runtime/mod.ts";
import type { ApprovalChannel } from "../../security/mod.ts";
import type { CliContext, GlobalOptions } from "./context.ts";
import { loadConfigForCommand } from "./commands/config.ts";

/** Run `fn` with an open runtime. */
export async function withRuntime<T>(
  ctx: CliContext,
  cmd: Command,
  fn: (rt: SecurityRuntime) => Promise<T>,
  options: { channel?: ApprovalChannel } = {},
): Promise<T> {
  const globals = cmd.optsWithGlobals() as GlobalOptions;
  const loaded = await loadConfigForCommand(ctx, cmd);
  const rt = await openSecurityRuntime({
    home: resolveHome(ctx.env),
    workspace: resolveWorkspace(ctx.cwd, globals.workspace),
    env: ctx.env,
    loaded,
    ...(options.channel ? { channel: options.channel } : {}),
  });
  try {
    if (!rt.auditIntact) {
      ctx.io.stderr(
        "astrid: warning: the audit chain failed verification; risky actions are refused until you run 'astrid audit verify' and acknowledge it\n",
      );
    }
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** Who the human at this terminal is, for the audit log. */
export function operatorName(ctx: CliContext): string {
  return `cli:${ctx.env.USER ?? ctx.env.LOGNAME ?? "local"}`;
}
