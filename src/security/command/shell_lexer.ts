/**
 * Character-level reading of shell words: quotes, backslashes, `$...`
 * expansions, command and process substitutions, arithmetic, here-document
 * bodies. The grammar (`parse_shell.ts`) drives it through a {@link Cursor}
 * and supplies the hooks that parse nested command lists.
 *
 * Invariant: nothing is guessed. An unclosed quote or substitution, or a
 * construct we do not model (`$[...]`), is a {@link ShellSyntaxError} with
 * the offset where the problem starts.
 *
 * @module
 */

import { decodeAnsiC } from "./ansi_c_string.ts";
import type { Redirect, Script, Word, WordPart } from "./shell_ast.ts";

/** Maximum nesting of commands, substitutions and nested `sh -c` strings. */
export const MAX_DEPTH = 64;

/** A syntax error at an offset of the outermost command line. */
export class ShellSyntaxError extends SyntaxError {
  override name = "ShellSyntaxError";
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

/** Raised inside `$((` / `((` scanning when the text is not arithmetic after all. */
class NotArithmetic extends Error {}

/** What the lexer needs from the grammar. */
export interface LexerHooks {
  /** Parse the list after `$(` or `<(` up to and including the closing `)`. */
  substitution(c: Cursor, openPos: number): Script;
  /** Parse a separate text (a backtick body) as a script; `base` is its outer offset. */
  nested(text: string, base: number, depth: number): Script;
}

/** Reading position in one source text plus the parse state shared by lexer and grammar. */
export class Cursor {
  pos = 0;
  /** Here-documents whose bodies start after the next newline token. */
  pending: Redirect[] = [];
  /** Offsets where `((`/`$((` turned out not to be arithmetic (keeps backtracking linear). */
  readonly notArith = new Set<number>();

  constructor(
    readonly src: string,
    readonly base: number,
    public depth: number,
    readonly hooks: LexerHooks,
  ) {}

  get ch(): string | undefined {
    return this.src[this.pos];
  }

  at(offset: number): string | undefined {
    return this.src[this.pos + offset];
  }

  startsWith(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  fail(message: string, pos = this.pos): never {
    throw new ShellSyntaxError(message, this.base + pos);
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting is deeper than ${MAX_DEPTH} levels`);
  }

  leave(): void {
    this.depth--;
  }
}

/** Characters that end an unquoted word. */
export function isMeta(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "|" || ch === "&" ||
    ch === ";" || ch === "(" || ch === ")" || ch === "<" || ch === ">";
}

/** Accumulates word parts, merging adjacent literals with the same quoting. */
class Parts {
  readonly list: WordPart[] = [];
  private text = "";
  private quoted = false;

  lit(text: string, quoted: boolean): void {
    if (text === "") return;
    if (this.text !== "" && this.quoted !== quoted) this.flush();
    this.text += text;
    this.quoted = quoted;
  }

  add(part: WordPart): void {
    this.flush();
    this.list.push(part);
  }

  flush(): void {
    if (this.text !== "") this.list.push({ kind: "literal", text: this.text, quoted: this.quoted });
    this.text = "";
  }

  done(): WordPart[] {
    this.flush();
    return this.list;
  }
}

/** Read one unquoted-context word at the cursor; `null` when none starts here. */
export function readWord(c: Cursor, regex = false): Word | null {
  const start = c.pos;
  const parts = new Parts();
  let parens = 0;
  for (;;) {
    const ch = c.ch;
    if (ch === undefined) break;
    if (regex) {
      // In a `=~` pattern, `(`, `)` and `|` are pattern text, and so are blanks inside `( )`.
      const inside = parens > 0 && ch !== "\n" && isMeta(ch);
      if (ch === "(" || ch === "|" || (ch === ")" && parens > 0) || inside) {
        if (ch === "(") parens++;
        else if (ch === ")") parens--;
        parts.lit(ch, false);
        c.pos++;
        continue;
      }
    }
    if (isMeta(ch)) {
      if (c.pos === start && (ch === "<" || ch === ">") && c.at(1) === "(") {
        const open = c.pos;
        c.pos += 2;
        c.enter();
        const body = c.hooks.substitution(c, open);
        c.leave();
        parts.add({ kind: "process_sub", direction: ch, body });
        continue;
      }
      break;
    }
    readPiece(c, parts, "word");
  }
  if (regex && parens > 0) c.fail("unbalanced parentheses in [[ =~ ]] pattern", start);
  if (c.pos === start) return null;
  return { parts: parts.done(), pos: start, source: c.src.slice(start, c.pos) };
}

/** Read the body of an unquoted here-document (expansions active, `"` literal). */
export function readHereDocWord(c: Cursor): Word {
  const start = c.pos;
  const parts = new Parts();
  while (c.pos < c.src.length) readPiece(c, parts, "heredoc");
  return { parts: parts.done(), pos: start, source: c.src.slice(start) };
}

type Mode = "word" | "dquote" | "heredoc" | "brace";

/** Read one quoting unit or character in `mode` and append it to `parts`. */
function readPiece(c: Cursor, parts: Parts, mode: Mode): void {
  const ch = c.ch!;
  if (ch === "\\") {
    const next = c.at(1);
    if (next === undefined) c.fail("backslash at the end of the input");
    c.pos += 2;
    if (next === "\n") return; // line continuation
    if (mode === "word" || mode === "brace") return parts.lit(next, true);
    const escapable = mode === "dquote" ? '$`"\\' : "$`\\";
    if (escapable.includes(next)) return parts.lit(next, true);
    parts.lit("\\", true);
    c.pos--; // the next character is read on its own
    return;
  }
  if (ch === "$") return readDollar(c, parts, mode);
  if (ch === "`") return parts.add(readBacktick(c, mode === "dquote"));
  if ((ch === "'" && (mode === "word" || mode === "brace"))) {
    const end = c.src.indexOf("'", c.pos + 1);
    if (end < 0) c.fail("unclosed single quote", c.pos);
    if (end === c.pos + 1) parts.add({ kind: "literal", text: "", quoted: true });
    else parts.lit(c.src.slice(c.pos + 1, end), true);
    c.pos = end + 1;
    return;
  }
  if (ch === '"' && (mode === "word" || mode === "brace")) return readDoubleQuoted(c, parts);
  parts.lit(ch, mode === "dquote" || mode === "heredoc");
  c.pos++;
}

function readDoubleQuoted(c: Cursor, parts: Parts): void {
  const open = c.pos;
  c.pos++;
  for (;;) {
    const ch = c.ch;
    if (ch === undefined) c.fail("unclosed double quote", open);
    if (ch === '"') {
      // An empty "" still makes a (quoted, empty) word.
      if (c.pos === open + 1) parts.add({ kind: "literal", text: "", quoted: true });
      c.pos++;
      return;
    }
    readPiece(c, parts, "dquote");
  }
}

function readDollar(c: Cursor, parts: Parts, mode: Mode): void {
  const open = c.pos;
  const next = c.at(1);
  const unquoted = mode === "word" || mode === "brace";
  if (next === "'" && unquoted) {
    let i = c.pos + 2;
    for (;;) {
      const ch = c.src[i];
      if (ch === undefined) c.fail("unclosed $'...' string", open);
      if (ch === "\\") i += 2;
      else if (ch === "'") break;
      else i++;
    }
    parts.lit(decodeAnsiC(c.src.slice(c.pos + 2, i)), true);
    c.pos = i + 1;
    return;
  }
  if (next === '"' && unquoted) {
    c.pos++;
    return readDoubleQuoted(c, parts);
  }
  if (next === "(") {
    if (c.at(2) === "(" && !c.notArith.has(open)) {
      const saved = c.pending.length;
      c.pos += 3;
      try {
        c.enter();
        const { parts: inner, usesVariables } = readArithmetic(c, open);
        c.leave();
        parts.add({ kind: "arith", parts: inner, usesVariables });
        return;
      } catch (e) {
        if (!(e instanceof NotArithmetic || e instanceof ShellSyntaxError)) throw e;
        c.depth--;
        c.notArith.add(open);
        c.pos = open;
        c.pending.length = saved;
      }
    }
    c.pos += 2;
    c.enter();
    const body = c.hooks.substitution(c, open);
    c.leave();
    parts.add({ kind: "command_sub", body, backtick: false });
    return;
  }
  if (next === "{") return readBraceParam(c, parts);
  if (next === "[") c.fail("unsupported $[...] arithmetic", open);
  if (next !== undefined && /[A-Za-z_]/.test(next)) {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(c.src.slice(c.pos + 1, c.pos + 257))!;
    parts.add({ kind: "param", name: m[0], parts: [], evaluates: false });
    c.pos += 1 + m[0].length;
    return;
  }
  if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
    parts.add({ kind: "param", name: next, parts: [], evaluates: false });
    c.pos += 2;
    return;
  }
  parts.lit("$", mode !== "word");
  c.pos++;
}

function readBraceParam(c: Cursor, parts: Parts): void {
  const open = c.pos;
  c.pos += 2;
  let evaluates = false;
  if ((c.ch === "!" || c.ch === "#") && c.at(1) !== "}") {
    if (c.ch === "!") evaluates = true; // ${!name}: the value names another variable
    c.pos++;
  }
  const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])/.exec(c.src.slice(c.pos, c.pos + 256));
  if (m === null) c.fail("bad ${...} substitution", open);
  c.pos += m[0].length;
  const inner = new Parts();
  const restStart = c.pos;
  for (;;) {
    const ch = c.ch;
    if (ch === undefined) c.fail("unclosed ${", open);
    if (ch === "}") break;
    readPiece(c, inner, "brace");
  }
  // `${x@P}` expands the value like a prompt, which runs command substitutions in it.
  if (/@P/.test(c.src.slice(restStart, c.pos))) evaluates = true;
  c.pos++;
  parts.add({ kind: "param", name: m[0], parts: inner.done(), evaluates });
}

function readBacktick(c: Cursor, inDquote: boolean): WordPart {
  const open = c.pos;
  let i = c.pos + 1;
  let text = "";
  for (;;) {
    const ch = c.src[i];
    if (ch === undefined) c.fail("unclosed backtick", open);
    if (ch === "`") break;
    if (ch === "\\") {
      const n = c.src[i + 1];
      if (n === undefined) c.fail("unclosed backtick", open);
      if (n === "$" || n === "`" || n === "\\" || (inDquote && n === '"')) text += n;
      else text += "\\" + n;
      i += 2;
      continue;
    }
    text += ch;
    i++;
  }
  c.pos = i + 1;
  c.enter();
  const body = c.hooks.nested(text, c.base + open + 1, c.depth);
  c.leave();
  return { kind: "command_sub", body, backtick: true };
}

/**
 * Read an arithmetic expression up to the closing `))` (the cursor is just
 * after the opening `((`). Throws {@link NotArithmetic} when a `)` closes
 * early, so the caller can re-read the text as nested subshells.
 */
export function readArithmetic(
  c: Cursor,
  open: number,
): { parts: WordPart[]; usesVariables: boolean } {
  const parts = new Parts();
  let depth = 0;
  let usesVariables = false;
  for (;;) {
    const ch = c.ch;
    if (ch === undefined) c.fail("unclosed arithmetic ((", open);
    if (ch === "(") depth++;
    else if (ch === ")") {
      if (depth === 0) {
        if (c.at(1) !== ")") throw new NotArithmetic();
        c.pos += 2;
        return { parts: parts.done(), usesVariables };
      }
      depth--;
    } else if (ch === "$" || ch === "`" || ch === '"' || ch === "\\") {
      if (ch === "$") usesVariables = true;
      readPiece(c, parts, ch === '"' ? "word" : "dquote");
      continue;
    } else if (/[A-Za-z_]/.test(ch) && !/[A-Za-z0-9_#]/.test(c.src[c.pos - 1] ?? "")) {
      usesVariables = true;
    }
    parts.lit(ch, true);
    c.pos++;
  }
}

/** Is `ArithmeticFallback` an error meaning "read it as subshells instead"? */
export function isArithmeticFallback(e: unknown): boolean {
  return e instanceof NotArithmetic || e instanceof ShellSyntaxError;
}
