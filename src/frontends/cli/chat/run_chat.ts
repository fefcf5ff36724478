/**
 * `astrid chat` as a whole: reach the daemon (or start an ephemeral one),
 * open the session (`--session ID`, `--continue`, or a new one), then either
 * the interactive REPL (a terminal on both ends) or one printed turn
 * (`--print TEXT`, or the message piped on stdin).
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../../../core/mod.ts";
import { resolveHome } from "../../../config/mod.ts";
import type { CliContext } from "../context.ts";
import type { ChatBackend, SessionChoice } from "./chat_backend.ts";
import { ChatRepl } from "./chat_repl.ts";
import { systemClipboard } from "./clipboard.ts";
import { fileHistoryStore, InputHistory, memoryHistoryStore } from "./input_history.ts";
import { printTurn } from "./print_turn.ts";
import { style } from "./ansi.ts";
import { denoTerminal, type Terminal } from "./terminal.ts";

/** What the command line asked for. */
export interface ChatRunOptions {
  readonly session?: string;
  readonly continue?: boolean;
  readonly print?: string;
  /** The resolved workspace folder. */
  readonly workspace: string;
  /** `--set key=value` overrides, passed to a daemon chat starts. */
  readonly sets?: readonly string[];
}

/** The process-facing parts, replaceable in tests. */
export interface ChatDeps {
  connect(o: {
    home: string;
    workspace: string;
    sets: readonly string[];
    env: Readonly<Record<string, string>>;
    onStart: (logPath: string) => void;
    onNote: (text: string) => void;
  }): Promise<ChatBackend>;
  terminal(): Terminal;
  stdinIsTerminal(): boolean;
  stdoutIsTerminal(): boolean;
  /** All of stdin, as text. */
  readStdin(): Promise<string>;
  /** Call `fn` on Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt(fn: () => void): () => void;
  /** Leave now (a second Ctrl-C while a printed turn is being cancelled). */
  exit(code: number): void;
}

/** The real process. */
export const DENO_CHAT_DEPS: ChatDeps = {
  async connect(o) {
    const { connectDaemonBackend } = await import("./connect_daemon.ts");
    return await connectDaemonBackend(o);
  },
  terminal: denoTerminal,
  stdinIsTerminal: () => Deno.stdin.isTerminal(),
  stdoutIsTerminal: () => Deno.stdout.isTerminal(),
  readStdin: () => new Response(Deno.stdin.readable).text(),
  onInterrupt(fn) {
    Deno.addSignalListener("SIGINT", fn);
    return () => Deno.removeSignalListener("SIGINT", fn);
  },
  exit: (code) => Deno.exit(code),
};

/** Run `astrid chat`; resolves with the exit code. */
export async function runChat(
  ctx: CliContext,
  o: ChatRunOptions,
  deps: ChatDeps = DENO_CHAT_DEPS,
): Promise<number> {
  if (o.session !== undefined && o.continue) {
    throw new UsageError("--session and --continue cannot be used together");
  }
  if (o.print !== undefined && o.print.trim() === "") {
    throw new UsageError('--print needs a message, e.g. --print "summarize README.md"');
  }
  const interactive = o.print === undefined && deps.stdinIsTerminal() && deps.stdoutIsTerminal();
  let text = o.print;
  if (!interactive && text === undefined) {
    if (deps.stdinIsTerminal()) {
      throw new UsageError(
        'the interactive chat needs a terminal on stdout; use --print "..." to send one message',
      );
    }
    text = (await deps.readStdin()).trim();
    if (text === "") {
      throw new UsageError('nothing to send: stdin was empty; pipe a message or use --print "..."');
    }
  }
  const home = resolveHome(ctx.env);
  const choice: SessionChoice = o.session !== undefined
    ? { kind: "resume", id: o.session }
    : o.continue
    ? { kind: "latest" }
    : { kind: "new" };
  const backend = await deps.connect({
    home,
    workspace: o.workspace,
    sets: o.sets ?? [],
    env: ctx.env,
    onStart: (log) => {
      if (interactive) ctx.io.stderr(style.dim(`Starting an ephemeral daemon (log: ${log})\n`));
    },
    onNote: (text) => ctx.io.stderr(`astrid: note: ${text}\n`),
  });
  try {
    const session = await backend.open(choice);
    if (!interactive) {
      // Ctrl-C cancels the turn (it ends, and is recorded, as cancelled); a second one leaves.
      const abort = new AbortController();
      const stop = deps.onInterrupt(() => {
        if (abort.signal.aborted) deps.exit(130);
        else abort.abort();
      });
      try {
        return await printTurn({
          backend,
          sessionId: session.id,
          text: text!,
          stdout: (t) => ctx.io.stdout(t),
          stderr: (t) => ctx.io.stderr(t),
          color: deps.stdoutIsTerminal() && !ctx.env.NO_COLOR,
          signal: abort.signal,
        });
      } finally {
        stop();
      }
    }
    let history = new InputHistory(fileHistoryStore(join(home, "chat_history")));
    let historyNote = "";
    try {
      await history.load();
    } catch (e) {
      // A refused history file costs the history, not the chat.
      historyNote = style.yellow(`(input history not kept: ${(e as Error).message})\n`);
      history = new InputHistory(memoryHistoryStore());
    }
    const terminal = deps.terminal();
    const repl = new ChatRepl({
      backend,
      terminal,
      session,
      history,
      clipboard: systemClipboard({
        env: ctx.env,
        os: Deno.build.os,
        write: (t) => terminal.write(t),
      }),
      banner: banner(session.id, o.session !== undefined || !!o.continue, backend.description) +
        historyNote,
    });
    return await repl.run();
  } finally {
    await backend.close();
  }
}

function banner(sessionId: string, resumed: boolean, where: string): string {
  return style.bold("Astrid chat") + style.dim(
    ` · ${resumed ? "resumed" : "new"} session ${sessionId} · ${where}\n` +
      "  /help for commands · Enter sends · end a line with \\ for more · Ctrl-C cancels, twice exits\n",
  );
}
