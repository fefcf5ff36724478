/**
 * ANSI SGR styles and terminal widths: the few escape sequences the chat
 * REPL draws with. Pure. Styles nest by re-applying the outer style after an
 * inner reset is not needed: every helper closes only what it opened.
 *
 * @module
 */

/** A style: wraps text in an SGR sequence and its matching reset. */
export type Style = (text: string) => string;

function sgr(open: number, close: number): Style {
  return (text) => (text === "" ? "" : `\x1b[${open}m${text}\x1b[${close}m`);
}

/** The styles the REPL uses. */
export const style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  italic: sgr(3, 23),
  underline: sgr(4, 24),
  inverse: sgr(7, 27),
  strike: sgr(9, 29),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  blue: sgr(34, 39),
  magenta: sgr(35, 39),
  cyan: sgr(36, 39),
  gray: sgr(90, 39),
  brightRed: sgr(91, 39),
} as const satisfies Record<string, Style>;

/** Compose styles, innermost last: `compose(style.bold, style.red)("x")`. */
export function compose(...styles: Style[]): Style {
  return (text) => styles.reduceRight((t, s) => s(t), text);
}

/** Terminal control sequences. */
export const ctl = {
  /** Clear from the cursor to the end of the screen. */
  clearDown: "\x1b[J",
  /** Clear the current line. */
  clearLine: "\x1b[2K",
  up: (n: number) => (n > 0 ? `\x1b[${n}A` : ""),
  down: (n: number) => (n > 0 ? `\x1b[${n}B` : ""),
  /** Move to column `n` (0-based). */
  column: (n: number) => `\x1b[${n + 1}G`,
  hideCursor: "\x1b[?25l",
  showCursor: "\x1b[?25h",
  bracketedPasteOn: "\x1b[?2004h",
  bracketedPasteOff: "\x1b[?2004l",
} as const;

// CSI sequences (colours, cursor moves) and OSC sequences (titles, clipboard).
// deno-lint-ignore no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/**
 * `text` with control characters other than tab and newline made visible
 * (`^[`, `^M`, `^?`): text from a model, a tool or a file must not be able to
 * move the cursor, restyle the screen or talk to the terminal (OSC 52
 * clipboard writes, title changes) when it is printed.
 */
export function safeText(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f\x9b]/g, (c) => {
    const code = c.charCodeAt(0);
    return code === 0x7f ? "^?" : code === 0x9b ? "^[[" : `^${String.fromCharCode(code + 64)}`;
  });
}

/** `text` without escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPES, "");
}

/**
 * Columns a code point takes: 0 for combining marks and controls, 2 for East
 * Asian wide and fullwidth characters and most emoji, else 1. An
 * approximation of wcwidth that is good enough to place a cursor.
 */
export function codePointWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (
    (cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f)
  ) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) return 2;
  return 1;
}

/** Columns `text` takes on one terminal line, escape sequences excluded. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of stripAnsi(text)) w += codePointWidth(ch.codePointAt(0)!);
  return w;
}

/**
 * Terminal rows `text` (one logical line, no newline) occupies at `columns`
 * wide: at least 1. A line exactly `columns` wide still takes one row.
 */
export function rowsOf(text: string, columns: number): number {
  const w = displayWidth(text);
  return Math.max(1, Math.ceil(w / Math.max(1, columns)));
}
