/**
 * What can be known about a shell word without running anything: its text if
 * it is static, the static prefix if not, and whether globbing or brace
 * expansion could turn it into other words.
 *
 * @module
 */

import type { Word } from "./shell_ast.ts";

/** A word as the analyser sees it. */
export interface Arg {
  /** The text after quote removal when nothing in it expands, else `null`. */
  readonly text: string | null;
  /** Static text before the first expansion, unquoted glob or brace character. */
  readonly prefix: string;
  /** Unquoted `*`, `?`, `[...]` or `{a,b}`: the shell may replace it with other words. */
  readonly pattern: boolean;
  /** Starts with an unquoted `~` (tilde expansion). */
  readonly tilde: boolean;
  /** The word as written. */
  readonly source: string;
}

const GLOB = /[*?]|\[[^\]]*\]/;
const BRACE = /\{[^{}]*(,|\.\.)[^{}]*\}/;

/** Evaluate `word` statically. */
export function wordValue(word: Word): Arg {
  const only = word.parts.length === 1 ? word.parts[0]! : null;
  if (only?.kind === "process_sub") {
    // Bash passes `<(...)` as a name like /dev/fd/63: an open pipe, not a file.
    const text = "/dev/fd/63";
    return { text, prefix: text, pattern: false, tilde: false, source: word.source };
  }
  let text = "";
  let dynamic = false;
  let prefix: string | null = null;
  // Unquoted characters as written, quoted ones replaced by a neutral letter,
  // so `"*"` is not a glob but `*` is.
  let shape = "";
  for (const p of word.parts) {
    if (p.kind === "literal") {
      if (!p.quoted && prefix === null) {
        const m = /[*?[{]/.exec(p.text);
        if (m !== null && (GLOB.test(p.text.slice(m.index)) || BRACE.test(p.text.slice(m.index)))) {
          prefix = text + p.text.slice(0, m.index);
        }
      }
      text += p.text;
      shape += p.quoted ? "x".repeat(p.text.length) : p.text;
    } else {
      if (prefix === null) prefix = text;
      dynamic = true;
      shape += "x";
    }
  }
  const first = word.parts[0];
  const tilde = first !== undefined && first.kind === "literal" && !first.quoted &&
    first.text.startsWith("~");
  const pattern = GLOB.test(shape) || BRACE.test(shape);
  return {
    text: dynamic ? null : text,
    prefix: prefix ?? (pattern ? "" : text),
    pattern,
    tilde,
    source: word.source,
  };
}

/** A static argument made by the analyser (a split `env -S` string, a `find` root). */
export function literalArg(text: string): Arg {
  return { text, prefix: text, pattern: false, tilde: false, source: text };
}

/** The text of `arg` if static and not a pattern. */
export function exact(arg: Arg | undefined): string | null {
  return arg !== undefined && arg.text !== null && !arg.pattern ? arg.text : null;
}

/** Text to show for `arg`: its static text, else the source as written. */
export function shown(arg: Arg): string {
  return arg.text ?? arg.source;
}

/** `sudo` for `/usr/bin/sudo`; the name itself when it has no usable base name. */
export function baseName(name: string): string {
  const trimmed = name.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  const base = i < 0 ? trimmed : trimmed.slice(i + 1);
  return base === "" ? name : base;
}
