/**
 * Token-level helpers of the shell grammar: blanks, comments, newlines (which
 * read pending here-document bodies), reserved-word lookahead, and error
 * descriptions.
 *
 * @module
 */

import type { Word } from "./shell_ast.ts";
import { Cursor, isMeta, readHereDocWord, ShellSyntaxError } from "./shell_lexer.ts";

export function describe(c: Cursor): string {
  const ch = c.ch;
  if (ch === undefined) return "end of input";
  if (ch === "\n") return "newline";
  const w = peekWord(c);
  return `"${
    w ?? c.src.slice(c.pos, c.pos + (/^(;;|&&|\|\||;&|\|&)/.test(c.src.slice(c.pos)) ? 2 : 1))
  }"`;
}

export function found(c: Cursor): string {
  return `, found ${describe(c)}`;
}

export function skipBlanks(c: Cursor): void {
  for (;;) {
    const ch = c.ch;
    if (ch === " " || ch === "\t") c.pos++;
    else if (ch === "\\" && c.at(1) === "\n") c.pos += 2;
    else return;
  }
}

/** Blanks, then a comment if one starts here (a `#` at a word boundary). */
export function skipBlanksAndComment(c: Cursor): void {
  skipBlanks(c);
  if (c.ch === "#") {
    const nl = c.src.indexOf("\n", c.pos);
    c.pos = nl < 0 ? c.src.length : nl;
  }
}

export function skipLinebreaks(c: Cursor): void {
  for (;;) {
    skipBlanksAndComment(c);
    if (c.ch !== "\n") return;
    newline(c);
  }
}

/** Consume a newline token, then read the bodies of pending here-documents. */
export function newline(c: Cursor): void {
  c.pos++;
  while (c.pending.length > 0) {
    const r = c.pending.shift()!;
    const delimiter = heredocDelimiter(r.target);
    const strip = r.op === "<<-";
    const start = c.pos;
    let text = "";
    for (;;) {
      if (c.pos >= c.src.length) {
        c.fail(`here-document "${delimiter.text}" is not terminated`, r.pos);
      }
      const nl = c.src.indexOf("\n", c.pos);
      const end = nl < 0 ? c.src.length : nl;
      const raw = c.src.slice(c.pos, end);
      const line = strip ? raw.replace(/^\t+/, "") : raw;
      c.pos = nl < 0 ? c.src.length : nl + 1;
      if (line === delimiter.text) break;
      text += line + "\n";
    }
    let word: Word | null = null;
    if (!delimiter.quoted) {
      const inner = new Cursor(text, c.base + start, c.depth, c.hooks);
      word = readHereDocWord(inner);
    }
    r.heredoc = { delimiter: delimiter.text, quoted: delimiter.quoted, text, word };
  }
}

export function heredocDelimiter(w: Word): { text: string; quoted: boolean } {
  let text = "";
  let quoted = false;
  for (const p of w.parts) {
    if (p.kind !== "literal") {
      throw new ShellSyntaxError(
        `unsupported here-document delimiter "${w.source}" (it contains an expansion)`,
        w.pos,
      );
    }
    text += p.text;
    quoted ||= p.quoted;
  }
  return { text, quoted };
}

/** The plain word at the cursor if it could be a reserved word, without consuming it. */
export function peekWord(c: Cursor): string | null {
  skipBlanks(c);
  let i = c.pos;
  while (i < c.src.length) {
    const ch = c.src[i]!;
    if (isMeta(ch) || ch === "'" || ch === '"' || ch === "\\" || ch === "$" || ch === "`") break;
    i++;
  }
  if (i === c.pos) return null;
  const next = c.src[i];
  if (next !== undefined && !isMeta(next)) return null;
  return c.src.slice(c.pos, i);
}

export function isReserved(c: Cursor, word: string): boolean {
  return peekWord(c) === word;
}

export function expectReserved(c: Cursor, word: string, what: string): void {
  if (!isReserved(c, word)) c.fail(`expected "${word}" ${what}${found(c)}`);
  c.pos += word.length;
}
