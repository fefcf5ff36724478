/**
 * The result of reading a shell command line the way a shell would: every
 * program it would run (after unwrapping `env`, `nohup`, `timeout`, `sh -c`
 * and friends), every path it would read or write, and every host it would
 * reach. Produced by `analyzeCommand()`; consumed by the policy, which checks
 * each part.
 *
 * @module
 */

/** One program the command line would start. */
export interface AnalyzedCommand {
  /** The program as written (`sudo`, `/usr/bin/sudo`, `./x.sh`). */
  readonly name: string;
  /** Base name of the program (`sudo` for `/usr/bin/sudo`). */
  readonly executable: string;
  /** Arguments after the program name, with quotes removed and no expansion. */
  readonly args: readonly string[];
  /** The wrappers that were peeled off to find it, outermost first (`env`, `sh -c`). */
  readonly via: readonly string[];
  /** `python -c`, `node -e`, `bash -c`, ...: code passed inline. Always asks, never remembered. */
  readonly inlineEval: boolean;
}

/** A network destination a command would reach. */
export interface NetworkTarget {
  readonly host: string;
  readonly port: number;
  /** The program that reaches it (`curl`, `git push`). */
  readonly program: string;
}

/** Everything the policy needs to know about one command line. */
export type CommandAnalysis =
  | {
    readonly ok: true;
    readonly commands: readonly AnalyzedCommand[];
    /** Paths read: `<` redirections, `cat FILE`, path-like arguments of read-only programs. */
    readonly readPaths: readonly string[];
    /** Paths written: `>`, `>>`, `cp a B`, `mv`, `tee`, `rm`, path-like arguments of writers. */
    readonly writePaths: readonly string[];
    readonly network: readonly NetworkTarget[];
    /** `&&`, `||`, `;`, `|`, `&`, or more than one command. */
    readonly hasChains: boolean;
    readonly hasRedirections: boolean;
    /** `$(...)`, backticks, `<(...)`, `>(...)`, or variable expansion in a program position. */
    readonly hasSubstitution: boolean;
  }
  | { readonly ok: false; readonly reason: string };
