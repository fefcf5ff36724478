/**
 * The syntax tree `parseShell()` produces for the POSIX sh / bash subset that
 * agents write. Nothing in it is expanded: variables, substitutions and globs
 * stay as nodes so the analyser can tell static text from dynamic text.
 *
 * Positions are offsets (UTF-16 code units) into the parsed string.
 *
 * @module
 */

/** One piece of a word. */
export type WordPart =
  /** Text after quote removal. `quoted` when it came from quotes or a backslash (no globbing). */
  | { readonly kind: "literal"; readonly text: string; readonly quoted: boolean }
  /** `$NAME`, `$1`, `$@`, `${...}`; `parts` holds what is inside `${...}` after the name. */
  | {
    readonly kind: "param";
    readonly name: string;
    readonly parts: readonly WordPart[];
    /** `${x@P}`-style operators that evaluate the value as code, or `${!x}` indirection. */
    readonly evaluates: boolean;
  }
  /** `$(...)` or a backtick substitution. */
  | { readonly kind: "command_sub"; readonly body: Script; readonly backtick: boolean }
  /** `$((...))`; `usesVariables` when the expression names a variable (evaluated recursively). */
  | { readonly kind: "arith"; readonly parts: readonly WordPart[]; readonly usesVariables: boolean }
  /** `<(...)` or `>(...)`. */
  | { readonly kind: "process_sub"; readonly direction: "<" | ">"; readonly body: Script };

/** A shell word: the concatenation of its parts. `source` is the text as written. */
export interface Word {
  readonly parts: readonly WordPart[];
  readonly pos: number;
  readonly source: string;
}

/** Redirection operators. */
export type RedirectOp =
  | "<"
  | ">"
  | ">>"
  | ">|"
  | "<>"
  | "&>"
  | "&>>"
  | "<&"
  | ">&"
  | "<<"
  | "<<-"
  | "<<<";

/** The body of a here-document. */
export interface HereDoc {
  readonly delimiter: string;
  /** A quoted delimiter (`<<'EOF'`) makes the body literal. */
  readonly quoted: boolean;
  /** The raw body text. */
  readonly text: string;
  /** The body as a word (substitutions found) when the delimiter is unquoted. */
  readonly word: Word | null;
}

/** One redirection; `target` is the word after the operator (the delimiter for here-docs). */
export interface Redirect {
  readonly op: RedirectOp;
  readonly fd: number | null;
  readonly target: Word;
  readonly pos: number;
  /** Filled in when the body has been read (after the next newline). */
  heredoc: HereDoc | null;
}

/** `NAME=value`, `NAME+=value`, `NAME[i]=value`, `NAME=(a b)`. */
export interface Assignment {
  readonly name: string;
  readonly value: Word | null;
  readonly array: readonly Word[] | null;
  readonly pos: number;
}

/** A simple command: assignments, words and redirections. */
export interface SimpleCommand {
  readonly kind: "simple";
  readonly assignments: readonly Assignment[];
  readonly words: readonly Word[];
  readonly redirects: readonly Redirect[];
  readonly pos: number;
}

/** Every command form. Compound commands carry their trailing redirections. */
export type Command =
  | SimpleCommand
  | { readonly kind: "subshell"; readonly body: List; readonly redirects: readonly Redirect[] }
  | { readonly kind: "group"; readonly body: List; readonly redirects: readonly Redirect[] }
  | {
    readonly kind: "if";
    readonly clauses: readonly { readonly cond: List; readonly body: List }[];
    readonly elseBody: List | null;
    readonly redirects: readonly Redirect[];
  }
  | {
    readonly kind: "loop";
    readonly until: boolean;
    readonly cond: List;
    readonly body: List;
    readonly redirects: readonly Redirect[];
  }
  | {
    readonly kind: "for";
    readonly name: string;
    /** `null` for `for x; do` (iterates over `"$@"`). */
    readonly items: readonly Word[] | null;
    readonly body: List;
    readonly redirects: readonly Redirect[];
  }
  | {
    readonly kind: "arith_for";
    readonly parts: readonly WordPart[];
    readonly body: List;
    readonly redirects: readonly Redirect[];
  }
  | {
    readonly kind: "case";
    readonly subject: Word;
    readonly items: readonly { readonly patterns: readonly Word[]; readonly body: List }[];
    readonly redirects: readonly Redirect[];
  }
  | {
    readonly kind: "function";
    readonly name: string;
    readonly body: Command;
    readonly pos: number;
  }
  | {
    readonly kind: "arith_cmd";
    readonly parts: readonly WordPart[];
    readonly usesVariables: boolean;
    readonly redirects: readonly Redirect[];
  }
  | {
    readonly kind: "cond";
    readonly words: readonly Word[];
    readonly redirects: readonly Redirect[];
  };

/** `[time] [!] cmd | cmd |& cmd`. */
export interface Pipeline {
  readonly negated: boolean;
  readonly commands: readonly Command[];
}

/** `pipeline && pipeline || pipeline`; `ops[i]` joins `pipelines[i]` and `pipelines[i + 1]`. */
export interface AndOr {
  readonly pipelines: readonly Pipeline[];
  readonly ops: readonly ("&&" | "||")[];
}

/** One entry of a list; `background` when it ended with `&`. */
export interface ListItem {
  readonly andOr: AndOr;
  readonly background: boolean;
}

/** Commands separated by `;`, `&` or newlines. */
export type List = readonly ListItem[];

/** A whole parsed command line. */
export interface Script {
  readonly body: List;
}
