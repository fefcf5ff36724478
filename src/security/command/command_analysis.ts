/**
 * The result of reading a shell command line the way a shell would: every
 * program it would run (after unwrapping `env`, `nohup`, `timeout`, `sh -c`
 * and friends), every path it would read, write or delete, and every host it
 * would reach. Produced by `analyzeCommand()`; consumed by the policy, which
 * checks each part.
 *
 * @module
 */

/** One program the command line would start. */
export interface AnalyzedCommand {
  /** The program as written (`sudo`, `/usr/bin/sudo`, `./x.sh`), or the word with its expansions. */
  readonly name: string;
  /**
   * Base name of the program (`sudo` for `/usr/bin/sudo`). `"<dynamic>"` when
   * the program name depends on an expansion (`$X id`, `$(echo sudo) id`, a
   * glob) or a wrapper hides it in a way we do not model: the policy must ask.
   */
  readonly executable: string;
  /** Arguments after the program name, with quotes removed and no expansion. */
  readonly args: readonly string[];
  /** The wrappers that were peeled off to find it, outermost first (`env`, `sh -c`). */
  readonly via: readonly string[];
  /** Names of variables set for this command only (`FOO=1 cmd`, `env FOO=1 cmd`). */
  readonly env: readonly string[];
  /** `python -c`, `node -e`, `bash -c`, ...: code passed inline. Always asks, never remembered. */
  readonly inlineEval: boolean;
}

/** A network destination a command would reach. */
export interface NetworkTarget {
  /**
   * Host name or address, lower-cased. `"<git-remote>"` for a git remote
   * name (`origin`) whose URL lives in the repository config; `"<listen>"`
   * for a program that listens for connections; `"<dynamic>"` when it
   * depends on an expansion.
   */
  readonly host: string;
  /** Port; `0` when unknown (a git remote name, a port range, an expansion). */
  readonly port: number;
  /** The program that reaches it (`curl`, `git push`). */
  readonly program: string;
  /** The URL as written, when there was one. */
  readonly url?: string;
}

/** Everything the policy needs to know about one command line. */
export type CommandAnalysis =
  | {
    readonly ok: true;
    readonly commands: readonly AnalyzedCommand[];
    /**
     * Paths read: `<` redirections, `cat FILE`, path-like arguments of other
     * programs. Absolute and lexically normal; paths under the home folder
     * start with a literal `~` unless a home folder was given.
     */
    readonly readPaths: readonly string[];
    /** Paths written: `>`, `>>`, `cp a B`, `tee`, `touch`, `sed -i`, `dd of=`, ... */
    readonly writePaths: readonly string[];
    /** Paths removed: `rm`, `rmdir`, `unlink`, `shred`, the sources of `mv`, `find -delete`. */
    readonly deletePaths: readonly string[];
    readonly network: readonly NetworkTarget[];
    /** `&&`, `||`, `;`, `|`, `&`, or more than one command. */
    readonly hasChains: boolean;
    /** Redirections to or from files, here-documents, here-strings (`2>&1`-style fd copies do not count). */
    readonly hasRedirections: boolean;
    /**
     * `$(...)`, backticks, `<(...)`, `>(...)`, a variable expansion in a
     * program position, arithmetic that evaluates a variable, a `PATH`
     * change that makes program names unreliable, or any other program we
     * cannot name (each such program is a `"<dynamic>"` command).
     */
    readonly hasSubstitution: boolean;
    /** Some command evaluates code given inline (see {@link AnalyzedCommand.inlineEval}). */
    readonly inlineEval: boolean;
    /**
     * Some path could not be known statically (an expansion, a glob, `xargs`
     * input, a `cd` to an unknown folder). The listed paths are then the
     * static folder prefixes only, not a complete list.
     */
    readonly hasUnknownPaths: boolean;
  }
  | {
    readonly ok: false;
    /** Why the line could not be read, with line and column. */
    readonly reason: string;
    /** Offset in the command line where the problem is. */
    readonly position: number;
  };
