/**
 * Keyword, string, comment and number highlighting for code blocks, one line
 * at a time (the answer streams line by line), with the state a block
 * comment or a multi-line string carries into the next line. A small table
 * of languages, not a parser: wrong colours are cosmetic, never lost text.
 * Invariant: `stripAnsi(highlighted) === line` for every input.
 *
 * @module
 */

import { style } from "./ansi.ts";

/** How one language is tokenized. */
export interface LanguageSpec {
  readonly keywords: ReadonlySet<string>;
  /** Constants shown like numbers: `true`, `null`, `None`. */
  readonly constants: ReadonlySet<string>;
  readonly lineComments: readonly string[];
  readonly blockComment?: readonly [open: string, close: string];
  /** String delimiters; `multiLine` ones may span lines (template literals, `"""`). */
  readonly strings: readonly {
    readonly open: string;
    readonly close: string;
    readonly multiLine: boolean;
  }[];
}

/** Carried from one line of a block to the next. */
export type HighlightState =
  | { readonly kind: "code" }
  | { readonly kind: "comment"; readonly close: string }
  | { readonly kind: "string"; readonly close: string };

/** The state at the start of a block. */
export const START: HighlightState = { kind: "code" };

const words = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter(Boolean));

const q = (open: string, close = open, multiLine = false) => ({ open, close, multiLine });
const C_STRINGS = [q('"'), q("'")];

const JS: LanguageSpec = {
  keywords: words(`async await break case catch class const continue debugger default delete do
    else enum export extends finally for from function if implements import in instanceof interface
    let new of package private protected public readonly return static super switch this throw try
    type typeof var void while with yield as satisfies keyof declare namespace abstract override`),
  constants: words("true false null undefined NaN Infinity"),
  lineComments: ["//"],
  blockComment: ["/*", "*/"],
  strings: [q("`", "`", true), ...C_STRINGS],
};

const PYTHON: LanguageSpec = {
  keywords: words(`and as assert async await break class continue def del elif else except finally
    for from global if import in is lambda nonlocal not or pass raise return try while with yield
    match case print self`),
  constants: words("True False None"),
  lineComments: ["#"],
  strings: [q('"""', '"""', true), q("'''", "'''", true), ...C_STRINGS],
};

const RUST: LanguageSpec = {
  keywords: words(`as async await break const continue crate dyn else enum extern fn for if impl in
    let loop match mod move mut pub ref return self Self static struct super trait type unsafe use
    where while`),
  constants: words("true false None Some Ok Err"),
  lineComments: ["//"],
  blockComment: ["/*", "*/"],
  strings: [q('"', '"', true)],
};

const GO: LanguageSpec = {
  keywords: words(`break case chan const continue default defer else fallthrough for func go goto
    if import interface map package range return select struct switch type var`),
  constants: words("true false nil iota"),
  lineComments: ["//"],
  blockComment: ["/*", "*/"],
  strings: [q("`", "`", true), ...C_STRINGS],
};

const C_LIKE: LanguageSpec = {
  keywords: words(`auto break case catch char class const continue default delete do double else
    enum extern final float for friend goto if import inline int long namespace new package private
    protected public return short signed sizeof static struct switch template this throw try
    typedef typename union unsigned using var virtual void volatile while boolean byte extends
    implements interface throws string bool fn let`),
  constants: words("true false null nullptr NULL"),
  lineComments: ["//"],
  blockComment: ["/*", "*/"],
  strings: C_STRINGS,
};

const SHELL: LanguageSpec = {
  keywords: words(`if then else elif fi for while until do done case esac in function return
    local export readonly set unset shift exit echo cd source declare`),
  constants: words("true false"),
  lineComments: ["#"],
  strings: C_STRINGS,
};

const RUBY: LanguageSpec = {
  keywords: words(`alias and begin break case class def defined do else elsif end ensure for if in
    module next not or redo rescue retry return self super then undef unless until when while yield
    require puts attr_accessor`),
  constants: words("true false nil"),
  lineComments: ["#"],
  strings: C_STRINGS,
};

const SQL: LanguageSpec = {
  keywords: words(`select from where insert into values update set delete create table drop alter
    index join left right inner outer on group by order having limit offset as and or not in is
    like between union all distinct primary key foreign references default begin commit rollback
    SELECT FROM WHERE INSERT INTO VALUES UPDATE SET DELETE CREATE TABLE DROP ALTER INDEX JOIN LEFT
    RIGHT INNER OUTER ON GROUP BY ORDER HAVING LIMIT OFFSET AS AND OR NOT IN IS LIKE BETWEEN UNION
    ALL DISTINCT PRIMARY KEY FOREIGN REFERENCES DEFAULT BEGIN COMMIT ROLLBACK`),
  constants: words("true false null TRUE FALSE NULL"),
  lineComments: ["--"],
  blockComment: ["/*", "*/"],
  strings: [q("'")],
};

const DATA: LanguageSpec = {
  keywords: words(""),
  constants: words("true false null yes no on off"),
  lineComments: ["#"],
  strings: C_STRINGS,
};

const JSON_SPEC: LanguageSpec = { ...DATA, lineComments: [], strings: [q('"')] };

const LANGUAGES: Readonly<Record<string, LanguageSpec>> = {
  js: JS,
  javascript: JS,
  jsx: JS,
  ts: JS,
  typescript: JS,
  tsx: JS,
  mjs: JS,
  python: PYTHON,
  py: PYTHON,
  rust: RUST,
  rs: RUST,
  go: GO,
  golang: GO,
  c: C_LIKE,
  h: C_LIKE,
  cpp: C_LIKE,
  "c++": C_LIKE,
  java: C_LIKE,
  kotlin: C_LIKE,
  cs: C_LIKE,
  csharp: C_LIKE,
  swift: C_LIKE,
  sh: SHELL,
  bash: SHELL,
  shell: SHELL,
  zsh: SHELL,
  console: SHELL,
  ruby: RUBY,
  rb: RUBY,
  sql: SQL,
  yaml: DATA,
  yml: DATA,
  toml: DATA,
  ini: DATA,
  json: JSON_SPEC,
  jsonc: { ...JSON_SPEC, lineComments: ["//"], blockComment: ["/*", "*/"] },
};

/** The spec for a fence's info string (`ts`, `Python`, `rust,ignore`), or `undefined`. */
export function languageOf(info: string): LanguageSpec | undefined {
  const name = info.trim().split(/[\s,{]/)[0]?.toLowerCase() ?? "";
  return LANGUAGES[name];
}

const paint = {
  keyword: style.magenta,
  constant: style.yellow,
  number: style.yellow,
  string: style.green,
  comment: style.gray,
} as const;

const IDENT = /[A-Za-z_$][\w$]*/y;
const NUMBER = /(?:0[xX][\da-fA-F_]+|0[bB][01_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)\b/y;

/** Highlight one line of `spec` code starting in `state`; returns the painted line and the next state. */
export function highlightLine(
  line: string,
  spec: LanguageSpec | undefined,
  state: HighlightState = START,
): { readonly text: string; readonly state: HighlightState } {
  if (spec === undefined) return { text: line, state: START };
  let out = "";
  let i = 0;
  let st = state;
  // Finish what the previous line left open.
  if (st.kind !== "code") {
    const end = closeIndex(line, 0, st.close, st.kind === "string");
    const stop = end < 0 ? line.length : end + st.close.length;
    out += (st.kind === "comment" ? paint.comment : paint.string)(line.slice(0, stop));
    i = stop;
    if (end < 0) return { text: out, state: st };
    st = START;
  }
  let plain = "";
  const flush = () => {
    out += plain;
    plain = "";
  };
  while (i < line.length) {
    const lc = spec.lineComments.find((t) => line.startsWith(t, i));
    if (lc !== undefined && isCommentStart(line, i, lc)) {
      flush();
      out += paint.comment(line.slice(i));
      return { text: out, state: START };
    }
    const bc = spec.blockComment;
    if (bc && line.startsWith(bc[0], i)) {
      flush();
      const end = line.indexOf(bc[1], i + bc[0].length);
      if (end < 0) {
        out += paint.comment(line.slice(i));
        return { text: out, state: { kind: "comment", close: bc[1] } };
      }
      out += paint.comment(line.slice(i, end + bc[1].length));
      i = end + bc[1].length;
      continue;
    }
    const s = spec.strings.find((d) => line.startsWith(d.open, i));
    if (s !== undefined) {
      flush();
      const end = closeIndex(line, i + s.open.length, s.close, true);
      if (end < 0) {
        out += paint.string(line.slice(i));
        return { text: out, state: s.multiLine ? { kind: "string", close: s.close } : START };
      }
      out += paint.string(line.slice(i, end + s.close.length));
      i = end + s.close.length;
      continue;
    }
    const prev = line[i - 1] ?? "";
    const startsWord = !/[\w$]/.test(prev);
    IDENT.lastIndex = i;
    const id = startsWord ? IDENT.exec(line) : null;
    if (id !== null) {
      const w = id[0];
      flush();
      out += spec.keywords.has(w)
        ? paint.keyword(w)
        : spec.constants.has(w)
        ? paint.constant(w)
        : w;
      i += w.length;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = startsWord ? NUMBER.exec(line) : null;
    if (num !== null) {
      flush();
      out += paint.number(num[0]);
      i += num[0].length;
      continue;
    }
    plain += line[i];
    i++;
  }
  flush();
  return { text: out, state: START };
}

/** Index of `close` at or after `from`, skipping backslash escapes when `escapes`; -1 if absent. */
function closeIndex(line: string, from: number, close: string, escapes: boolean): number {
  for (let i = from; i < line.length; i++) {
    if (escapes && line[i] === "\\") {
      i++;
      continue;
    }
    if (line.startsWith(close, i)) return i;
  }
  return -1;
}

/** `#` starts a comment in shell only at a word start (`a#b` and `$#` are not comments). */
function isCommentStart(line: string, i: number, token: string): boolean {
  if (token !== "#") return true;
  return i === 0 || /\s/.test(line[i - 1]!);
}
