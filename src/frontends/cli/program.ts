/**
 * The `astrid` command tree: one program, every subcommand registered from
 * its own module under `commands/`, and one place that turns errors into exit
 * codes (usage errors 2, failures 1).
 *
 * @module
 */

import { Command, CommanderError, Help } from "commander";
import { AstridError, UsageError } from "../../core/mod.ts";
import type { CliContext, CliIo } from "./context.ts";
import { registerChatCommand } from "./commands/chat.ts";
import { registerKeysCommand } from "./commands/keys.ts";
import { registerConfigCommand } from "./commands/config.ts";
import { registerInitCommand } from "./commands/init.ts";
import { registerPolicyCommand } from "./commands/policy.ts";
import { registerAuditCommand } from "./commands/audit.ts";
import { registerTokensCommand } from "./commands/tokens.ts";
import { registerApprovalsCommand } from "./commands/approvals.ts";
import { registerToolCommand } from "./commands/tool.ts";
import { registerDaemonCommand } from "./commands/daemon.ts";
import { registerCapsuleCommand } from "./commands/capsule.ts";
import { registerServersCommand } from "./commands/servers.ts";
import { registerSessionsCommand } from "./commands/sessions.ts";
import { addFallbackExamples } from "./fallback_examples.ts";
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
    .showSuggestionAfterError(true)
    .configureHelp({ subcommandTerm, helpWidth: HELP_WIDTH })
    .addHelpText("after", ROOT_HELP_AFTER);

  registerChatCommand(program, ctx);
  registerDaemonCommand(program, ctx);
  registerSessionsCommand(program, ctx);
  registerCapsuleCommand(program, ctx);
  registerServersCommand(program, ctx);
  registerAuditCommand(program, ctx);
  registerPolicyCommand(program, ctx);
  registerTokensCommand(program, ctx);
  registerApprovalsCommand(program, ctx);
  registerToolCommand(program, ctx);
  registerInitCommand(program, ctx);
  registerConfigCommand(program, ctx);
  registerKeysCommand(program, ctx);
  addFallbackExamples(program);
  return program;
}

const HELP_WIDTH = 100;

const ROOT_HELP_AFTER = `
Examples:
  $ astrid chat                      talk to the agent (starts an ephemeral daemon if none runs)
  $ astrid tool call read_file '{"path": "README.md"}'
                                     one tool call through the full interceptor, audited
  $ astrid policy check bash '{"command": "env FOO=1 sudo id"}'
                                     dry-run the decision for one tool call
  $ astrid approvals list            requests that waited for a human
  $ astrid audit verify              check the hash chain of every decision
  $ astrid keys --help               usage and examples of one command

A subcommand marked "(not yet available)" is listed so the command set is complete;
it refuses to run until the capability lands. ASTRID_HOME overrides the home
folder (default ~/.astrid).`;

/** List a command with subcommands as \`daemon run|status|stop\` in the parent's help. */
function subcommandTerm(cmd: Command): string {
  const subs = cmd.commands.map((c) => c.name()).filter((n) => n !== "help");
  return subs.length > 0 ? `${cmd.name()} ${subs.join("|")}` : new Help().subcommandTerm(cmd);
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
  // The command an error belongs to, so the hint points at the right --help.
  let current: Command = program;
  configureTree(program, ctx.io, (cmd) => {
    current = cmd;
  });
  program.hook("preAction", (_root, action) => {
    current = action;
  });
  try {
    await program.parseAsync([...args], { from: "user" });
    return exitCode;
  } catch (e) {
    return reportError(e, ctx.io, current, args);
  }
}

function configureTree(cmd: Command, io: CliIo, failedIn: (cmd: Command) => void): void {
  cmd.exitOverride((err) => {
    failedIn(cmd);
    throw err;
  }).configureOutput({
    writeOut: (s) => io.stdout(s),
    // Only help shown as an error (a missing subcommand) goes here; reportError
    // prints a one-line reason with a pointer to --help instead.
    writeErr: () => {},
    // Commander's own usage errors get our one-line form in reportError.
    outputError: () => {},
    getOutHelpWidth: () => HELP_WIDTH,
    getErrHelpWidth: () => HELP_WIDTH,
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  });
  for (const sub of cmd.commands) configureTree(sub, io, failedIn);
}

/** `astrid keys show` for the `show` command. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

function reportError(e: unknown, io: CliIo, cmd: Command, args: readonly string[]): number {
  const helpHint = `Run '${commandPath(cmd)} --help' for usage.\n`;
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
    // `astrid help keys` is help on request (exit code 0); a missing subcommand is not.
    if (e.code === "commander.help" && e.exitCode === 0) return 0;
    if (e.code === "commander.help") {
      io.stderr(`astrid: ${missingReason(cmd, args)}\n${helpHint}`);
      return 2;
    }
    // One line: Commander puts its "(Did you mean ...?)" suggestion on a line of its own.
    const reason = e.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
    io.stderr(`astrid: ${reason}\n${helpHint}`);
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

/** Why Commander showed help as an error: `help <unknown>` or a missing subcommand. */
function missingReason(cmd: Command, args: readonly string[]): string {
  const at = args.indexOf("help");
  const asked = at >= 0 ? args[at + 1] : undefined;
  if (asked !== undefined && !cmd.commands.some((c) => c.name() === asked)) {
    return `unknown command '${asked}'`;
  }
  const subs = cmd.commands.map((c) => c.name()).filter((n) => n !== "help");
  return `'${commandPath(cmd)}' needs a subcommand: ${subs.join(", ")}`;
}
