/**
 * The `astrid` command tree: one program, every subcommand registered from
 * its own module under `commands/`, and one place that turns errors into exit
 * codes (usage errors 2, failures 1).
 *
 * @module
 */

import { Command, CommanderError } from "commander";
import { AstridError, UsageError } from "../../core/mod.ts";
import type { CliContext, CliIo } from "./context.ts";
import { registerNotYet } from "./not_yet.ts";
import { VERSION } from "./version.ts";

/** Build the command tree for one run. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("astrid")
    .description(
      "Astrid: a secure runtime for AI agents. The agent proposes, you approve, the runtime enforces.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .option("-w, --workspace <dir>", "workspace folder (default: the current directory)")
    .option(
      "--set <key=value>",
      "override one config key for this run, e.g. --set workspace.mode=guided (repeatable)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .helpOption("-h, --help", "show help")
    .helpCommand("help [command]", "show help for a command")
    .showSuggestionAfterError(true);

  registerNotYet(
    program,
    ctx,
    "chat",
    "Start an interactive chat session",
    [],
    "the daemon and chat issue",
  );
  registerNotYet(
    program,
    ctx,
    "daemon",
    "Manage the background daemon",
    ["run", "status", "stop"],
    "the daemon issue",
  );
  registerNotYet(
    program,
    ctx,
    "sessions",
    "Manage sessions",
    ["list", "show", "delete", "cleanup"],
    "the agent runtime issue",
  );
  registerNotYet(program, ctx, "capsule", "Manage capsules (extensions)", [
    "list",
    "install",
    "remove",
    "compile",
    "info",
  ], "the capsules issue");
  registerNotYet(program, ctx, "servers", "Manage MCP servers", [
    "list",
    "running",
    "start",
    "stop",
    "tools",
  ], "the capsules issue");
  registerNotYet(program, ctx, "audit", "View and verify the audit log", [
    "list",
    "show",
    "verify",
    "stats",
    "export",
  ], "the security-core issue");
  registerNotYet(
    program,
    ctx,
    "policy",
    "Dry-run the security decision for one action",
    ["check"],
    "the security-core issue",
  );
  registerNotYet(
    program,
    ctx,
    "tokens",
    "List and revoke capability tokens",
    ["list", "revoke"],
    "the security-core issue",
  );
  registerNotYet(program, ctx, "approvals", "Resolve queued approval requests", [
    "list",
    "allow",
    "deny",
  ], "the security-core issue");
  registerNotYet(
    program,
    ctx,
    "tool",
    "Run one built-in tool through the interceptor",
    ["call"],
    "the workspace and tools issue",
  );
  registerNotYet(
    program,
    ctx,
    "init",
    "Initialize a workspace (.astrid/config.toml)",
    [],
    "the foundation issue",
  );
  registerNotYet(program, ctx, "config", "View and validate configuration", [
    "show",
    "validate",
    "paths",
  ], "the foundation issue");
  registerNotYet(
    program,
    ctx,
    "keys",
    "Manage signing keys",
    ["show", "generate"],
    "the foundation issue",
  );
  return program;
}

/**
 * Run the CLI with `args` (without the program name) and return the exit code.
 * Never calls `Deno.exit`; `main()` does that.
 */
export async function runCli(
  args: readonly string[],
  ctx: Omit<CliContext, "setExitCode">,
): Promise<number> {
  let exitCode = 0;
  const full: CliContext = {
    ...ctx,
    setExitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  const program = buildProgram(full);
  configureTree(program, ctx.io);
  try {
    await program.parseAsync([...args], { from: "user" });
    return exitCode;
  } catch (e) {
    return reportError(e, ctx.io, args);
  }
}

function configureTree(cmd: Command, io: CliIo): void {
  cmd.exitOverride().configureOutput({
    writeOut: (s) => io.stdout(s),
    writeErr: (s) => io.stderr(s),
    // Commander's own usage errors get our one-line form in reportError.
    outputError: () => {},
  });
  for (const sub of cmd.commands) configureTree(sub, io);
}

function reportError(e: unknown, io: CliIo, args: readonly string[]): number {
  const where = args.filter((a) => !a.startsWith("-")).slice(0, 2).join(" ");
  const helpHint = `Run 'astrid ${where ? `${where} ` : ""}--help' for usage.\n`;
  if (e instanceof CommanderError) {
    if (
      e.code === "commander.helpDisplayed" || e.code === "commander.version" ||
      e.code === "commander.help"
    ) {
      return e.code === "commander.help" ? 2 : 0;
    }
    io.stderr(`astrid: ${e.message.replace(/^error: /, "")}\n${helpHint}`);
    return 2;
  }
  if (e instanceof UsageError) {
    io.stderr(`astrid: ${e.message}\n${helpHint}`);
    return e.exitCode;
  }
  if (e instanceof AstridError) {
    io.stderr(`astrid: ${e.message} [${e.code}]\n`);
    return 1;
  }
  io.stderr(`astrid: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  return 70;
}
