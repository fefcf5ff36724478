/**
 * Markdown to ANSI for the terminal, streamed: text arrives in arbitrary
 * pieces, complete lines are rendered as soon as their newline arrives, and
 * the state that spans lines (an open code fence and its highlighter) is
 * kept. Headings, emphasis, inline code, links, lists, quotes, rules and
 * fenced code blocks with syntax highlighting; everything else passes through.
 *
 * Invariant: rendering only adds escape sequences and list/quote/fence
 * decoration; the words of the answer are never dropped.
 *
 * @module
 */

import { safeText, style } from "./ansi.ts";
import {
  highlightLine,
  type HighlightState,
  languageOf,
  type LanguageSpec,
  START,
} from "./highlight_code.ts";

/** A fenced code block of an answer, numbered from 1 in order of appearance. */
export interface CodeBlock {
  readonly index: number;
  /** The fence's info string's first word (`ts`), or "" when none. */
  readonly language: string;
  /** The block's text, without fences, ending without a newline. */
  readonly code: string;
}

interface OpenFence {
  readonly marker: string;
  readonly language: string;
  readonly spec: LanguageSpec | undefined;
  state: HighlightState;
  readonly lines: string[];
  readonly index: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`]*?)\s*$/;

/** Streams one answer's Markdown into rendered terminal lines. */
export class MarkdownStream {
  readonly #columns: number;
  #pending = "";
  /** `breakLine()` ended the last line early: a newline that follows is that line's own. */
  #broken = false;
  #fence: OpenFence | undefined;
  readonly #blocks: CodeBlock[] = [];

  constructor(options: { readonly columns?: number } = {}) {
    this.#columns = Math.max(10, options.columns ?? 80);
  }

  /** Feed a piece of the answer; returns the rendered complete lines (each ends in "\n"). */
  push(text: string): string {
    // Untrusted text: no control character reaches the terminal as such.
    let piece = safeText(text.replace(/\r\n?/g, "\n"));
    if (this.#broken && piece !== "") {
      this.#broken = false;
      if (piece.startsWith("\n")) piece = piece.slice(1);
    }
    this.#pending += piece;
    let out = "";
    for (let nl = this.#pending.indexOf("\n"); nl >= 0; nl = this.#pending.indexOf("\n")) {
      out += this.#line(this.#pending.slice(0, nl)) + "\n";
      this.#pending = this.#pending.slice(nl + 1);
    }
    return out;
  }

  /** The incomplete last line as received (shown raw while it streams). */
  get partial(): string {
    return this.#pending;
  }

  /** True inside an unclosed code fence. */
  get inCode(): boolean {
    return this.#fence !== undefined;
  }

  /**
   * Render the incomplete line as if it were complete (something else is
   * about to be printed, such as a tool call); the fence state is kept.
   */
  breakLine(): string {
    if (this.#pending === "") return "";
    const line = this.#pending;
    this.#pending = "";
    this.#broken = true;
    return this.#line(line) + "\n";
  }

  /** The answer ended: render what is left and close an unclosed fence. */
  end(): string {
    let out = this.breakLine();
    if (this.#fence !== undefined) {
      this.#closeFence();
      out += style.dim("└─") + "\n";
    }
    return out;
  }

  /** The code blocks seen so far (an unclosed one once `end()` closed it). */
  get blocks(): readonly CodeBlock[] {
    return this.#blocks;
  }

  #line(line: string): string {
    const fence = this.#fence;
    if (fence !== undefined) {
      const m = FENCE.exec(line);
      if (m && m[1]![0] === fence.marker[0] && m[1]!.length >= fence.marker.length && m[2] === "") {
        this.#closeFence();
        return style.dim("└─");
      }
      fence.lines.push(line);
      const h = highlightLine(line, fence.spec, fence.state);
      fence.state = h.state;
      return style.dim("│ ") + h.text;
    }
    const m = FENCE.exec(line);
    if (m && !(m[1]![0] === "`" && m[2]!.includes("`"))) {
      const language = m[2]!.split(/[\s,{]/)[0] ?? "";
      const index = this.#blocks.length + 1;
      this.#fence = {
        marker: m[1]!,
        language,
        spec: languageOf(m[2]!),
        state: START,
        lines: [],
        index,
      };
      // The whole info string is shown: no word of the answer is dropped.
      const label = `${m[2] === "" ? "code" : m[2]} [${index}]`;
      return style.dim(`┌─ ${label}`);
    }
    return renderBlockLine(line, this.#columns);
  }

  #closeFence(): void {
    const f = this.#fence!;
    this.#blocks.push({ index: f.index, language: f.language, code: f.lines.join("\n") });
    this.#fence = undefined;
  }
}

/** Render a whole Markdown text at once. */
export function renderMarkdown(text: string, columns = 80): string {
  const md = new MarkdownStream({ columns });
  return md.push(text) + md.end();
}

/** The fenced code blocks of `text`, numbered from 1. */
export function codeBlocksOf(text: string): CodeBlock[] {
  const md = new MarkdownStream();
  md.push(text);
  md.end();
  return [...md.blocks];
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const BULLET = /^(\s*)([-*+])\s+(.*)$/;
const ORDERED = /^(\s*)(\d{1,9}[.)])\s+(.*)$/;
const TASK = /^\[([ xX])\]\s+(.*)$/;

/** One line outside a code fence. */
function renderBlockLine(line: string, columns: number): string {
  let m = HEADING.exec(line);
  if (m) {
    const text = renderInline(m[2]!);
    const level = m[1]!.length;
    if (level === 1) return style.bold(style.underline(style.magenta(text)));
    if (level === 2) return style.bold(style.cyan(text));
    return style.bold(text);
  }
  if (RULE.test(line)) return style.dim("─".repeat(Math.min(columns, 80)));
  m = QUOTE.exec(line);
  if (m) return style.gray("│ ") + style.italic(renderInline(m[1]!));
  m = BULLET.exec(line);
  if (m) {
    const task = TASK.exec(m[3]!);
    const mark = task ? (task[1] === " " ? "☐" : "☑") : "•";
    return `${m[1]}${style.cyan(mark)} ${renderInline(task ? task[2]! : m[3]!)}`;
  }
  m = ORDERED.exec(line);
  if (m) return `${m[1]}${style.cyan(m[2]!)} ${renderInline(m[3]!)}`;
  return renderInline(line);
}

// Private-use characters stand in for backslash-escaped punctuation while
// the emphasis patterns run, so `\*` stays a literal star.
const ESC_BASE = 0xe000;
const ESCAPABLE = "\\`*_{}[]()#+-.!~|>";

/** Inline Markdown: code spans, links, bold, italic, strikethrough. */
export function renderInline(text: string): string {
  const out: string[] = [];
  const code = /(`+)(.+?)\1(?!`)/g;
  let last = 0;
  for (let m = code.exec(text); m !== null; m = code.exec(text)) {
    out.push(emphasis(text.slice(last, m.index)));
    const inner = m[2]!.length > 2 && m[2]!.startsWith(" ") && m[2]!.endsWith(" ")
      ? m[2]!.slice(1, -1)
      : m[2]!;
    out.push(style.yellow(inner));
    last = m.index + m[0].length;
  }
  out.push(emphasis(text.slice(last)));
  return out.join("");
}

function emphasis(text: string): string {
  if (text === "") return "";
  let s = text.replace(
    /\\([\\`*_{}[\]()#+\-.!~|>])/g,
    (_, c: string) => String.fromCharCode(ESC_BASE + ESCAPABLE.indexOf(c)),
  );
  s = s.replace(
    /\[([^\]\n]+)\]\(([^)\s]+)\)/g,
    (_, t: string, url: string) => `${style.underline(style.blue(t))}${style.dim(` (${url})`)}`,
  );
  s = s.replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, (_, t: string) => style.bold(t));
  s = s.replace(/(?<![\w])__(?=\S)(.+?)(?<=\S)__(?![\w])/g, (_, t: string) => style.bold(t));
  s = s.replace(
    /(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])/g,
    (_, t: string) => style.italic(t),
  );
  s = s.replace(
    /(?<![\w])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w])/g,
    (_, t: string) => style.italic(t),
  );
  s = s.replace(/~~(?=\S)(.+?)(?<=\S)~~/g, (_, t: string) => style.strike(t));
  return s.replace(
    /[\ue000-\ue012]/g,
    (c) => ESCAPABLE[c.charCodeAt(0) - ESC_BASE] ?? c,
  );
}
