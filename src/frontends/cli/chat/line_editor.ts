/**
 * The REPL's line editor as a pure state machine: a key and the history in,
 * the next state and what the REPL should do out; plus the layout that
 * places the text and the cursor on a terminal of a given width.
 *
 * Multi-line input: a line ending in a backslash continues on the next line
 * when Enter is pressed (the backslash is dropped), Alt-Enter or Ctrl-J
 * inserts a newline, and a bracketed paste is inserted as is (its newlines
 * never submit).
 *
 * @module
 */

import { codePointWidth, displayWidth } from "./ansi.ts";
import type { Key } from "./decode_keys.ts";

/** The text being edited. */
export interface EditorState {
  /** The whole input; may contain newlines. */
  readonly text: string;
  /** Cursor position: a UTF-16 index on a code point boundary, 0..text.length. */
  readonly cursor: number;
  /** 0 while editing the draft; n while showing the n-th newest history entry. */
  readonly historyIndex: number;
  /** The draft kept while browsing history. */
  readonly draft: string;
}

/** What the REPL should do after a key. */
export type EditAction =
  | "none"
  /** Enter on a complete input: the text is the input. */
  | "submit"
  /** Ctrl-C. */
  | "interrupt"
  /** Ctrl-D on an empty input. */
  | "eof"
  /** Ctrl-L. */
  | "clearScreen";

/** An empty editor. */
export const EMPTY_EDITOR: EditorState = { text: "", cursor: 0, historyIndex: 0, draft: "" };

/** Apply `key`; `history` is oldest first. */
export function editLine(
  s: EditorState,
  key: Key,
  history: readonly string[],
): { readonly state: EditorState; readonly action: EditAction } {
  const next = (state: EditorState, action: EditAction = "none") => ({ state, action });
  switch (key.kind) {
    case "text":
    case "paste":
      return next(insert(s, key.text.replace(/\r\n?/g, "\n")));
    case "newline":
      return next(insert(s, "\n"));
    case "tab":
      return next(insert(s, "  "));
    case "enter": {
      const lineEnd = endOfLine(s.text, s.cursor);
      const before = s.text.slice(0, s.cursor);
      if (lineEnd === s.text.length && s.cursor === s.text.length && /\\$/.test(before)) {
        // A trailing backslash continues the input on a new line.
        return next({ ...s, text: before.slice(0, -1) + "\n", cursor: before.length });
      }
      return next(s, "submit");
    }
    case "backspace": {
      if (s.cursor === 0) return next(s);
      const from = prevBoundary(s.text, s.cursor);
      return next(edit(s, s.text.slice(0, from) + s.text.slice(s.cursor), from));
    }
    case "delete":
      return next(deleteForward(s));
    case "eof":
      return s.text === "" ? next(s, "eof") : next(deleteForward(s));
    case "left":
      return next({ ...s, cursor: prevBoundary(s.text, s.cursor) });
    case "right":
      return next({ ...s, cursor: nextBoundary(s.text, s.cursor) });
    case "home":
      return next({ ...s, cursor: startOfLine(s.text, s.cursor) });
    case "end":
      return next({ ...s, cursor: endOfLine(s.text, s.cursor) });
    case "wordLeft":
      return next({ ...s, cursor: wordLeft(s.text, s.cursor) });
    case "wordRight":
      return next({ ...s, cursor: wordRight(s.text, s.cursor) });
    case "deleteWordLeft": {
      const from = wordLeft(s.text, s.cursor);
      return next(edit(s, s.text.slice(0, from) + s.text.slice(s.cursor), from));
    }
    case "killToEnd": {
      const to = endOfLine(s.text, s.cursor);
      return next(edit(s, s.text.slice(0, s.cursor) + s.text.slice(to), s.cursor));
    }
    case "killToStart": {
      const from = startOfLine(s.text, s.cursor);
      return next(edit(s, s.text.slice(0, from) + s.text.slice(s.cursor), from));
    }
    case "up": {
      const start = startOfLine(s.text, s.cursor);
      if (start > 0) return next({ ...s, cursor: verticalMove(s.text, s.cursor, -1) });
      return next(browse(s, history, s.historyIndex + 1));
    }
    case "down": {
      const end = endOfLine(s.text, s.cursor);
      if (end < s.text.length) return next({ ...s, cursor: verticalMove(s.text, s.cursor, 1) });
      return next(browse(s, history, s.historyIndex - 1));
    }
    case "interrupt":
      return next(s, "interrupt");
    case "clearScreen":
      return next(s, "clearScreen");
    case "escape":
      return next(s);
  }
}

function insert(s: EditorState, text: string): EditorState {
  return edit(s, s.text.slice(0, s.cursor) + text + s.text.slice(s.cursor), s.cursor + text.length);
}

/** A changed text leaves history browsing: the edited entry becomes the draft. */
function edit(_s: EditorState, text: string, cursor: number): EditorState {
  return { text, cursor, historyIndex: 0, draft: "" };
}

function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  return edit(
    s,
    s.text.slice(0, s.cursor) + s.text.slice(nextBoundary(s.text, s.cursor)),
    s.cursor,
  );
}

function browse(s: EditorState, history: readonly string[], index: number): EditorState {
  if (index < 0 || index > history.length || index === s.historyIndex) return s;
  const draft = s.historyIndex === 0 ? s.text : s.draft;
  const text = index === 0 ? draft : history[history.length - index]!;
  return { text, cursor: text.length, historyIndex: index, draft };
}

function prevBoundary(text: string, i: number): number {
  if (i <= 0) return 0;
  const c = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1;
}

function nextBoundary(text: string, i: number): number {
  if (i >= text.length) return text.length;
  const cp = text.codePointAt(i)!;
  return i + (cp > 0xffff ? 2 : 1);
}

function startOfLine(text: string, i: number): number {
  return text.lastIndexOf("\n", i - 1) + 1;
}

function endOfLine(text: string, i: number): number {
  const n = text.indexOf("\n", i);
  return n < 0 ? text.length : n;
}

function wordLeft(text: string, i: number): number {
  let j = i;
  while (j > 0 && /\s/.test(text[j - 1]!)) j--;
  while (j > 0 && !/\s/.test(text[j - 1]!)) j--;
  return j;
}

function wordRight(text: string, i: number): number {
  let j = i;
  while (j < text.length && /\s/.test(text[j]!)) j++;
  while (j < text.length && !/\s/.test(text[j]!)) j++;
  return j;
}

/** Move to the same column (in code points) on the line above (-1) or below (+1). */
function verticalMove(text: string, i: number, dir: -1 | 1): number {
  const start = startOfLine(text, i);
  const col = [...text.slice(start, i)].length;
  const target = dir < 0 ? startOfLine(text, start - 1) : endOfLine(text, i) + 1;
  const targetEnd = endOfLine(text, target);
  const chars = [...text.slice(target, targetEnd)].slice(0, col);
  return target + chars.join("").length;
}

/** Where the editor's text and cursor land on the screen. */
export interface EditorLayout {
  /** The text to write (lines joined with "\r\n"), prompts included. */
  readonly text: string;
  /** Terminal rows the text occupies. */
  readonly rows: number;
  /** The cursor's row (from the first row) and column (0-based). */
  readonly cursorRow: number;
  readonly cursorColumn: number;
}

/**
 * Lay out `s` after `prompt` (first line) and `continuation` (later lines) on
 * a terminal `columns` wide. Prompts may contain escape sequences.
 */
export function layoutEditor(
  s: EditorState,
  prompt: string,
  continuation: string,
  columns: number,
): EditorLayout {
  const cols = Math.max(1, columns);
  const lines = s.text.split("\n");
  let rows = 0;
  let cursorRow = 0;
  let cursorColumn = 0;
  let offset = 0;
  const shown: string[] = [];
  lines.forEach((line, n) => {
    const prefix = n === 0 ? prompt : continuation;
    const full = prefix + visible(line);
    shown.push(full);
    if (s.cursor >= offset && s.cursor <= offset + line.length) {
      const w = displayWidth(prefix) + widthOf(visible(line.slice(0, s.cursor - offset)));
      cursorRow = rows + Math.floor(w / cols);
      cursorColumn = w % cols;
    }
    rows += Math.max(1, Math.ceil(displayWidth(full) / cols));
    offset += line.length + 1;
  });
  return { text: shown.join("\r\n"), rows, cursorRow, cursorColumn };
}

/**
 * Control characters in the input are shown as `^X` (and a tab as four
 * spaces) so they cannot move the cursor or the layout.
 */
function visible(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex
    /[\x00-\x09\x0b-\x1f\x7f]/g,
    (c) =>
      c === "\t" ? "    " : c === "\x7f" ? "^?" : `^${String.fromCharCode(c.charCodeAt(0) + 64)}`,
  );
}

function widthOf(text: string): number {
  let w = 0;
  for (const ch of text) w += codePointWidth(ch.codePointAt(0)!);
  return w;
}
