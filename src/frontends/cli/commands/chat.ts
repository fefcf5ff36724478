/**
 * `astrid chat`: the interactive REPL on the daemon, or one printed turn.
 * The REPL and the daemon client are imported when the command runs, not
 * when the CLI starts, so `astrid --help` stays fast.
 *
 * @module
 */

import type { Command } from "commander";
import { resolveWorkspace } from "../../../config/mod.ts";
import type { GlobalOptions, RegisterCommand } from "../context.ts";

const HELP_AFTER = `
Connects to the daemon running for $ASTRID_HOME, or starts an ephemeral one
('astrid daemon run --ephemeral', which stops once the last client has left).

In the REPL: Enter sends; end a line with \\ (or press Alt-Enter / Ctrl-J) to go
on with the next line, and pasted text keeps its newlines. Up/Down browse the
input history ($ASTRID_HOME/chat_history, mode 0600). Ctrl-C cancels the running
turn; pressed twice it exits (so does Ctrl-D or /exit). Approval requests show
the action, its risk, the diff or the exact command and folder, and
[Allow Once] [Allow Session] [Allow Always] [Deny]: choose with the arrow keys
and Enter, or 1-4 (Esc denies).

Slash commands: /help /sessions /budget /approvals /audit [n] /copy [n] /cancel /exit

Without a terminal (--print, or the message piped on stdin) it runs one turn
and prints the answer. Approval requests are never answered there: they are
queued for 'astrid approvals' and listed; the exit status is then 3.

Examples:
  $ astrid chat
  $ astrid chat --workspace ~/project
  $ astrid chat --continue
  $ astrid chat --session 3f2a9c
  $ astrid chat --print "summarize README.md"
  $ git diff | astrid chat`;

/** Register `astrid chat`. */
export const registerChatCommand: RegisterCommand = (program, ctx) => {
  program.command("chat")
    .description("Start an interactive chat session")
    .option("--session <id>", "resume this session")
    .option("-c, --continue", "resume the most recent session")
    .option("-p, --print <text>", "send one message, print the answer and exit (no REPL)")
    .addHelpText("after", HELP_AFTER)
    .action(
      async (opts: { session?: string; continue?: boolean; print?: string }, cmd: Command) => {
        const globals = cmd.optsWithGlobals() as GlobalOptions;
        const { runChat } = await import("../chat/run_chat.ts");
        const code = await runChat(ctx, {
          ...opts,
          workspace: resolveWorkspace(ctx.cwd, globals.workspace),
          sets: globals.set ?? [],
        });
        ctx.setExitCode(code);
      },
    );
};
