/**
 * What a CLI command is handed: its I/O, a snapshot of the environment and
 * the working directory. Commands never read `Deno.env` or write to
 * `Deno.stdout` themselves, so they run in-process under test with captured
 * output.
 *
 * @module
 */

/** Where a command writes and how it asks. */
export interface CliIo {
  /** Write `text` to standard output as-is (add the newline yourself). */
  stdout(text: string): void;
  /** Write `text` to standard error as-is. */
  stderr(text: string): void;
  /** True when stdin and stdout are a terminal a human can answer at. */
  readonly isTerminal: boolean;
  /**
   * Ask a question and read one line of answer; `null` at end of input.
   * `secret` suppresses echo where the terminal allows it.
   */
  prompt(question: string, options?: { secret?: boolean }): Promise<string | null>;
}

/** Everything a command may depend on from the process. */
export interface CliContext {
  readonly io: CliIo;
  /** Environment variables at start-up (a copy: commands cannot change it). */
  readonly env: Readonly<Record<string, string>>;
  /** The process working directory, absolute. */
  readonly cwd: string;
  /**
   * Set the exit code without throwing (for commands whose result is a
   * verdict, such as `config validate` or `audit verify`). The highest code set wins.
   */
  setExitCode(code: number): void;
}

/** Global options every command sees through `cmd.optsWithGlobals()`. */
export interface GlobalOptions {
  workspace?: string;
  set?: string[];
}

/** A command module: adds its subcommands to the program. */
export type RegisterCommand = (
  program: import("commander").Command,
  ctx: CliContext,
) => void;

/** An in-memory `CliIo` for tests: collects output, answers prompts from a list. */
export class CapturedIo implements CliIo {
  out = "";
  err = "";
  readonly isTerminal: boolean;
  #answers: string[];
  readonly questions: string[] = [];

  constructor(options: { answers?: string[]; isTerminal?: boolean } = {}) {
    this.#answers = [...(options.answers ?? [])];
    this.isTerminal = options.isTerminal ?? false;
  }
  stdout(text: string): void {
    this.out += text;
  }
  stderr(text: string): void {
    this.err += text;
  }
  prompt(question: string): Promise<string | null> {
    this.questions.push(question);
    return Promise.resolve(this.#answers.shift() ?? null);
  }
}
