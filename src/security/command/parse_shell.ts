/**
 * A recursive-descent parser for the POSIX sh / bash subset that agents
 * write: lists, pipelines, `&&`/`||`, subshells, groups, `if`/`for`/`while`/
 * `until`/`select`/`case`, `[[ ]]`, `(( ))`, functions, redirections and
 * here-documents, with words read by `shell_lexer.ts`.
 *
 * Invariant: the result is either a tree of every command the line would
 * run, or an error with a position. Anything the parser does not model is an
 * error, never a guess, because a guess could hide a command from the policy.
 *
 * @example
 * ```ts
 * const r = parseShell("ls && sudo id");
 * if (r.ok) console.log(r.script.body.length); // 1 list item with 2 pipelines
 * ```
 *
 * @module
 */

import type {
  Assignment,
  Command,
  List,
  Pipeline,
  Redirect,
  RedirectOp,
  Script,
  SimpleCommand,
  Word,
} from "./shell_ast.ts";
import {
  Cursor,
  isArithmeticFallback,
  isMeta,
  type LexerHooks,
  readArithmetic,
  readWord,
  ShellSyntaxError,
} from "./shell_lexer.ts";
import {
  describe,
  expectReserved,
  found,
  heredocDelimiter,
  isReserved,
  newline,
  peekWord,
  skipBlanks,
  skipBlanksAndComment,
  skipLinebreaks,
} from "./shell_tokens.ts";

/** Largest command line we parse (UTF-16 code units). */
export const MAX_INPUT = 64 * 1024;

/** Result of {@link parseShell}. */
export type ParseShellResult =
  | { ok: true; script: Script }
  | { ok: false; message: string; position: number; line: number; column: number };

/**
 * Parse a shell command line. `depth` is the nesting already used by an
 * enclosing parse (for `sh -c` strings found inside another line).
 */
export function parseShell(src: string, options: { depth?: number } = {}): ParseShellResult {
  try {
    if (src.length > MAX_INPUT) {
      throw new ShellSyntaxError(
        `command line is ${src.length} characters long, more than the limit of ${MAX_INPUT}`,
        MAX_INPUT,
      );
    }
    const nul = src.indexOf("\0");
    if (nul >= 0) throw new ShellSyntaxError("command line contains a NUL character", nul);
    return { ok: true, script: parseText(src, 0, options.depth ?? 0) };
  } catch (e) {
    if (!(e instanceof ShellSyntaxError)) throw e;
    const before = src.slice(0, e.position);
    const line = before.split("\n").length;
    const column = e.position - before.lastIndexOf("\n");
    return { ok: false, message: e.message, position: e.position, line, column };
  }
}

const HOOKS: LexerHooks = {
  substitution(c, open) {
    const body = parseList(c, NO_STOPS);
    skipLinebreaks(c);
    if (c.ch !== ")") {
      c.fail(`unclosed "${c.src.slice(open, open + 2)}" (expected ")"${found(c)})`, open);
    }
    c.pos++;
    return { body };
  },
  nested: (text, base, depth) => parseText(text, base, depth),
};

function parseText(src: string, base: number, depth: number): Script {
  const c = new Cursor(src, base, depth, HOOKS);
  const body = parseList(c, NO_STOPS);
  skipLinebreaks(c);
  if (c.pos < src.length) c.fail(`unexpected ${describe(c)}`);
  if (c.pending.length > 0) {
    c.fail(`here-document "${c.pending[0]!.target.source}" is not terminated`, c.pending[0]!.pos);
  }
  return { body };
}

const NO_STOPS: ReadonlySet<string> = new Set();

// ---------------------------------------------------------------- lists

function parseList(c: Cursor, stops: ReadonlySet<string>): List {
  const items: { andOr: ReturnType<typeof parseAndOr>; background: boolean }[] = [];
  skipLinebreaks(c);
  for (;;) {
    skipBlanksAndComment(c);
    const ch = c.ch;
    if (ch === undefined || ch === ")" || c.startsWith(";;") || c.startsWith(";&")) break;
    const w = peekWord(c);
    if (w !== null && stops.has(w)) break;
    const andOr = parseAndOr(c);
    skipBlanksAndComment(c);
    let background = false;
    if (c.ch === "&" && c.at(1) !== "&" && c.at(1) !== ">") {
      background = true;
      c.pos++;
    } else if (c.ch === ";" && c.at(1) !== ";" && c.at(1) !== "&") {
      c.pos++;
    } else if (c.ch === "\n") {
      newline(c);
    } else {
      items.push({ andOr, background });
      break;
    }
    items.push({ andOr, background });
    skipLinebreaks(c);
  }
  return items;
}

function nonEmpty(c: Cursor, list: List, what: string): List {
  if (list.length === 0) c.fail(`expected a command ${what}${found(c)}`);
  return list;
}

function parseAndOr(c: Cursor) {
  const pipelines = [parsePipeline(c)];
  const ops: ("&&" | "||")[] = [];
  for (;;) {
    skipBlanks(c);
    if (!c.startsWith("&&") && !c.startsWith("||")) break;
    ops.push(c.startsWith("&&") ? "&&" : "||");
    c.pos += 2;
    skipLinebreaks(c);
    pipelines.push(parsePipeline(c));
  }
  return { pipelines, ops };
}

function parsePipeline(c: Cursor): Pipeline {
  let negated = false;
  if (isReserved(c, "time")) {
    c.pos += 4;
    skipBlanks(c);
    if (isReserved(c, "-p")) c.pos += 2;
  }
  while (isReserved(c, "!")) {
    c.pos++;
    negated = !negated;
  }
  const commands = [parseCommand(c)];
  for (;;) {
    skipBlanks(c);
    if (c.ch !== "|" || c.at(1) === "|") break;
    c.pos += c.at(1) === "&" ? 2 : 1;
    skipLinebreaks(c);
    commands.push(parseCommand(c));
  }
  return { negated, commands };
}

// ---------------------------------------------------------------- commands

function parseCommand(c: Cursor): Command {
  c.enter();
  try {
    skipBlanks(c);
    if (c.ch === "(") {
      if (c.at(1) === "(" && !c.notArith.has(c.pos)) {
        const arith = tryArithCommand(c);
        if (arith !== null) return arith;
      }
      const open = c.pos;
      c.pos++;
      const body = parseList(c, NO_STOPS);
      if (c.at(0) !== ")") c.fail(`unclosed "(" (expected ")"${found(c)})`, open);
      c.pos++;
      return { kind: "subshell", body: nonEmpty(c, body, "in ( )"), redirects: parseRedirects(c) };
    }
    const w = peekWord(c);
    switch (w) {
      case "{": {
        c.pos++;
        const body = nonEmpty(c, parseList(c, new Set(["}"])), "in { }");
        expectReserved(c, "}", "to close the group");
        return { kind: "group", body, redirects: parseRedirects(c) };
      }
      case "if":
        return parseIf(c);
      case "while":
      case "until":
        return parseLoop(c, w);
      case "for":
      case "select":
        return parseFor(c, w);
      case "case":
        return parseCase(c);
      case "function":
        return parseFunctionKeyword(c);
      case "[[":
        return parseCond(c);
      case "coproc":
        return c.fail(`unsupported "coproc"`);
      case "}":
      case "then":
      case "else":
      case "elif":
      case "fi":
      case "do":
      case "done":
      case "esac":
      case "]]":
      case "!":
        return c.fail(`unexpected "${w}"`);
      default:
        return parseSimple(c);
    }
  } finally {
    c.leave();
  }
}

function tryArithCommand(c: Cursor): Command | null {
  const open = c.pos;
  const pending = c.pending.length;
  try {
    c.pos += 2;
    const { parts, usesVariables } = readArithmetic(c, open);
    return { kind: "arith_cmd", parts, usesVariables, redirects: parseRedirects(c) };
  } catch (e) {
    if (!isArithmeticFallback(e)) throw e;
    c.notArith.add(open);
    c.pos = open;
    c.pending.length = pending;
    return null;
  }
}

function parseIf(c: Cursor): Command {
  c.pos += 2;
  const clauses: { cond: List; body: List }[] = [];
  let elseBody: List | null = null;
  for (;;) {
    const cond = nonEmpty(c, parseList(c, new Set(["then"])), "after if/elif");
    expectReserved(c, "then", "after the if condition");
    const body = nonEmpty(c, parseList(c, new Set(["elif", "else", "fi"])), "after then");
    clauses.push({ cond, body });
    if (isReserved(c, "elif")) {
      c.pos += 4;
      continue;
    }
    if (isReserved(c, "else")) {
      c.pos += 4;
      elseBody = nonEmpty(c, parseList(c, new Set(["fi"])), "after else");
    }
    expectReserved(c, "fi", "to close the if");
    return { kind: "if", clauses, elseBody, redirects: parseRedirects(c) };
  }
}

function parseLoop(c: Cursor, w: "while" | "until"): Command {
  c.pos += w.length;
  const cond = nonEmpty(c, parseList(c, new Set(["do"])), `after ${w}`);
  const body = parseDoDone(c);
  return { kind: "loop", until: w === "until", cond, body, redirects: parseRedirects(c) };
}

function parseDoDone(c: Cursor): List {
  skipLinebreaks(c);
  expectReserved(c, "do", "to start the loop body");
  const body = nonEmpty(c, parseList(c, new Set(["done"])), "after do");
  expectReserved(c, "done", "to close the loop");
  return body;
}

function parseFor(c: Cursor, w: "for" | "select"): Command {
  c.pos += w.length;
  skipBlanks(c);
  if (w === "for" && c.startsWith("((")) {
    const open = c.pos;
    c.pos += 2;
    let arith;
    try {
      arith = readArithmetic(c, open);
    } catch (e) {
      if (!isArithmeticFallback(e) || e instanceof ShellSyntaxError) throw e;
      return c.fail(`malformed "for ((...))" header`, open);
    }
    skipBlanks(c);
    if (c.ch === ";") c.pos++;
    const body = parseDoDone(c);
    return { kind: "arith_for", parts: arith.parts, body, redirects: parseRedirects(c) };
  }
  const nameWord = readWord(c);
  const name = nameWord ? plainText(nameWord) : null;
  if (name === null || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    c.fail(
      `expected a variable name after "${w}"${nameWord ? `, found "${nameWord.source}"` : ""}`,
    );
  }
  skipBlanks(c);
  let items: Word[] | null = null;
  if (c.ch === ";") c.pos++;
  else {
    skipLinebreaks(c);
    if (isReserved(c, "in")) {
      c.pos += 2;
      items = [];
      for (;;) {
        skipBlanksAndComment(c);
        if (c.ch === ";") {
          c.pos++;
          break;
        }
        if (c.ch === "\n") {
          newline(c);
          break;
        }
        const item = readWord(c);
        if (item === null) c.fail(`unexpected ${describe(c)} in the "${w}" word list`);
        items.push(item);
      }
    }
  }
  const body = parseDoDone(c);
  return { kind: "for", name, items, body, redirects: parseRedirects(c) };
}

function parseCase(c: Cursor): Command {
  c.pos += 4;
  skipBlanks(c);
  const subject = readWord(c);
  if (subject === null) c.fail(`expected a word after "case"${found(c)}`);
  skipLinebreaks(c);
  expectReserved(c, "in", "after the case word");
  const items: { patterns: Word[]; body: List }[] = [];
  for (;;) {
    skipLinebreaks(c);
    if (isReserved(c, "esac")) {
      c.pos += 4;
      break;
    }
    if (c.ch === "(") c.pos++;
    const patterns: Word[] = [];
    for (;;) {
      skipBlanks(c);
      const p = readWord(c);
      if (p === null) c.fail(`expected a case pattern${found(c)}`);
      patterns.push(p);
      skipBlanks(c);
      if (c.ch === "|") {
        c.pos++;
        continue;
      }
      if (c.ch === ")") {
        c.pos++;
        break;
      }
      c.fail(`expected ")" after the case pattern${found(c)}`);
    }
    const body = parseList(c, new Set(["esac"]));
    items.push({ patterns, body });
    skipBlanks(c);
    if (c.startsWith(";;&")) c.pos += 3;
    else if (c.startsWith(";;") || c.startsWith(";&")) c.pos += 2;
    else if (isReserved(c, "esac")) {
      c.pos += 4;
      break;
    } else c.fail(`expected ";;" or "esac"${found(c)}`);
  }
  return { kind: "case", subject, items, redirects: parseRedirects(c) };
}

function parseFunctionKeyword(c: Cursor): Command {
  const pos = c.pos;
  c.pos += 8;
  skipBlanks(c);
  const nameWord = readWord(c);
  const name = nameWord ? plainText(nameWord) : null;
  if (name === null) c.fail(`expected a function name after "function"${found(c)}`);
  skipBlanks(c);
  if (c.ch === "(") {
    c.pos++;
    skipBlanks(c);
    if (c.at(0) !== ")") c.fail(`expected ")" in the definition of function "${name}"${found(c)}`);
    c.pos++;
  }
  return { kind: "function", name, body: parseFunctionBody(c, name), pos };
}

function parseFunctionBody(c: Cursor, name: string): Command {
  skipLinebreaks(c);
  const start = c.pos;
  const body = parseCommand(c);
  if (body.kind === "simple" || body.kind === "function") {
    c.fail(`the body of function "${name}" must be a compound command such as { ...; }`, start);
  }
  return body;
}

function parseCond(c: Cursor): Command {
  const open = c.pos;
  c.pos += 2;
  const words: Word[] = [];
  let regexNext = false;
  for (;;) {
    skipLinebreaks(c);
    if (c.ch === undefined) c.fail(`unclosed "[["`, open);
    if (isReserved(c, "]]")) {
      c.pos += 2;
      break;
    }
    if (c.startsWith("&&") || c.startsWith("||")) {
      c.pos += 2;
      continue;
    }
    const ch = c.ch;
    if (ch === "(" || ch === ")" || ch === "<" || ch === ">") {
      c.pos++;
      continue;
    }
    if (ch === ";" || ch === "&" || ch === "|") c.fail(`unexpected "${ch}" inside [[ ]]`);
    const word = readWord(c, regexNext);
    if (word === null) c.fail(`unexpected ${describe(c)} inside [[ ]]`);
    regexNext = plainText(word) === "=~";
    words.push(word);
  }
  return { kind: "cond", words, redirects: parseRedirects(c) };
}

function parseSimple(c: Cursor): Command {
  const pos = c.pos;
  const assignments: Assignment[] = [];
  const words: Word[] = [];
  const redirects: Redirect[] = [];
  for (;;) {
    skipBlanksAndComment(c);
    const ch = c.ch;
    if (ch === undefined) break;
    const procSub = (ch === "<" || ch === ">") && c.at(1) === "(";
    if (!procSub) {
      const r = tryRedirect(c);
      if (r !== null) {
        redirects.push(r);
        continue;
      }
      if (isMeta(ch)) break;
    }
    const word = readWord(c)!;
    const assignment = words.length === 0 ? asAssignment(word) : null;
    const array = isArrayStart(c, word);
    if (assignment !== null) {
      assignments.push(array ? { ...assignment, value: null, array: readArray(c) } : assignment);
      continue;
    }
    words.push(word);
    if (array) words.push(...readArray(c));
    if (words.length === 1 && assignments.length === 0 && redirects.length === 0) {
      const save = c.pos;
      skipBlanks(c);
      if (c.ch === "(") return parsePosixFunction(c, word, pos);
      c.pos = save;
    }
  }
  if (c.ch === "(") c.fail(`unexpected "("`);
  if (words.length === 0 && assignments.length === 0 && redirects.length === 0) {
    c.fail(`expected a command${found(c)}`);
  }
  const cmd: SimpleCommand = { kind: "simple", assignments, words, redirects, pos };
  return cmd;
}

function parsePosixFunction(c: Cursor, nameWord: Word, pos: number): Command {
  const name = plainText(nameWord);
  if (name === null || name.includes("=")) {
    c.fail(`unexpected "(" after "${nameWord.source}"`);
  }
  c.pos++;
  skipBlanks(c);
  if (c.ch !== ")") c.fail(`expected ")" in the definition of function "${name}"${found(c)}`);
  c.pos++;
  return { kind: "function", name, body: parseFunctionBody(c, name), pos };
}

function isArrayStart(c: Cursor, word: Word): boolean {
  return c.ch === "(" && /^[A-Za-z_][A-Za-z0-9_]*\+?=$/.test(word.source);
}

function readArray(c: Cursor): Word[] {
  const open = c.pos;
  c.pos++;
  const items: Word[] = [];
  for (;;) {
    skipLinebreaks(c);
    if (c.ch === ")") {
      c.pos++;
      return items;
    }
    if (c.ch === undefined) c.fail(`unclosed array "("`, open);
    const w = readWord(c);
    if (w === null) c.fail(`unexpected ${describe(c)} in an array`);
    items.push(w);
  }
}

function asAssignment(word: Word): Assignment | null {
  const first = word.parts[0];
  if (first === undefined || first.kind !== "literal" || first.quoted) return null;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=/.exec(first.text);
  if (m === null) return null;
  const rest = first.text.slice(m[0].length);
  const parts = rest === ""
    ? word.parts.slice(1)
    : [{ ...first, text: rest }, ...word.parts.slice(1)];
  const value: Word = {
    parts,
    pos: word.pos + m[0].length,
    source: word.source.slice(m[0].length),
  };
  return { name: m[1]!, value, array: null, pos: word.pos };
}

/** The text of a word made only of unquoted literal parts, else `null`. */
function plainText(w: Word): string | null {
  let text = "";
  for (const p of w.parts) {
    if (p.kind !== "literal" || p.quoted) return null;
    text += p.text;
  }
  return text;
}

// ---------------------------------------------------------------- redirections

const REDIRECT = /^(\d{1,9})?(&>>|&>|<<<|<<-|<<|<>|<&|<|>>|>&|>\||>)/;

function tryRedirect(c: Cursor): Redirect | null {
  const m = REDIRECT.exec(c.src.slice(c.pos, c.pos + 16));
  if (m === null) return null;
  const op = m[2] as RedirectOp;
  if (m[1] !== undefined && op.startsWith("&")) return null;
  const pos = c.pos;
  c.pos += m[0].length;
  skipBlanks(c);
  const target = c.ch === "#" ? null : readWord(c);
  if (target === null) c.fail(`missing target after "${op}"${found(c)}`);
  const r: Redirect = {
    op,
    fd: m[1] === undefined ? null : Number(m[1]),
    target,
    pos,
    heredoc: null,
  };
  if (op === "<<" || op === "<<-") {
    heredocDelimiter(target); // validate now, so the error points at the operator
    c.pending.push(r);
  }
  return r;
}

function parseRedirects(c: Cursor): Redirect[] {
  const out: Redirect[] = [];
  for (;;) {
    skipBlanks(c);
    if ((c.ch === "<" || c.ch === ">") && c.at(1) === "(") return out;
    const r = tryRedirect(c);
    if (r === null) return out;
    out.push(r);
  }
}
