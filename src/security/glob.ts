/**
 * Glob patterns compiled to anchored RegExps, used by policy rules and token
 * scopes. One implementation for both, so a pattern means the same thing
 * wherever it appears.
 *
 * Syntax: `*` any run of characters inside one segment, `**` as a whole
 * segment any number of segments (zero included; `/etc/**` matches `/etc`
 * itself), `?` one character inside a segment, `[abc]`, `[a-z]`, `[!a]`
 * character classes, `{a,b}` alternatives (not nested), `\x` a literal `x`.
 * Dotfiles are matched like any other name: a deny rule must not miss
 * `.bashrc` because of a Unix shell convention.
 *
 * @module
 */

/** Options for {@link compileGlob}. */
export interface GlobOptions {
  /** Segment separator: `/` for paths (default), `.` for host names. */
  separator?: "/" | ".";
  /** Match case-insensitively (host names). */
  caseInsensitive?: boolean;
}

/** A compiled pattern. */
export interface Glob {
  readonly pattern: string;
  readonly regexp: RegExp;
  matches(subject: string): boolean;
}

const cache = new Map<string, Glob>();

/**
 * Compile `pattern`. Throws `SyntaxError` naming the pattern and position on
 * an unclosed class or brace, an empty pattern, or a nested brace.
 */
export function compileGlob(pattern: string, options: GlobOptions = {}): Glob {
  const sep = options.separator ?? "/";
  const key = `${sep}${options.caseInsensitive ? "i" : ""}\0${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const source = globToRegExpSource(pattern, sep);
  const regexp = new RegExp(`^${source}$`, options.caseInsensitive ? "iu" : "u");
  const glob: Glob = { pattern, regexp, matches: (s) => regexp.test(s) };
  if (cache.size > 4096) cache.clear();
  cache.set(key, glob);
  return glob;
}

/** True when `subject` matches `pattern` (compiled once and cached). */
export function globMatch(pattern: string, subject: string, options?: GlobOptions): boolean {
  return compileGlob(pattern, options).matches(subject);
}

/** Validate a pattern without keeping it; returns an error message or `undefined`. */
export function globError(pattern: string, options?: GlobOptions): string | undefined {
  try {
    compileGlob(pattern, options);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function esc(c: string): string {
  // "-" is literal outside a class and `\-` is a syntax error under the "u" flag.
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function globToRegExpSource(p: string, sep: string): string {
  if (p.length === 0) throw new SyntaxError(`Cannot parse glob "": expected a non-empty pattern`);
  const notSep = `[^${esc(sep)}]`;
  let out = "";
  let inBrace = false;
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === "\\") {
      if (i + 1 >= p.length) {
        throw new SyntaxError(`Cannot parse glob "${p}": trailing backslash at ${i}`);
      }
      out += esc(p[i + 1]!);
      i += 2;
      continue;
    }
    if (c === "*") {
      if (p[i + 1] === "*") {
        const atStart = i === 0 || p[i - 1] === sep;
        const atEnd = i + 2 === p.length || p[i + 2] === sep;
        if (atStart && atEnd) {
          // "**" as a whole segment.
          if (i + 2 === p.length) {
            // Trailing "/**": the folder itself or anything below it.
            if (out.endsWith(esc(sep))) {
              out = out.slice(0, -esc(sep).length) + `(?:${esc(sep)}.*)?`;
            } else out += ".*";
          } else {
            // "**/" in the middle or at the start: zero or more whole segments.
            out += `(?:.*${esc(sep)})?`;
            i += 3;
            continue;
          }
          i += 2;
          continue;
        }
      }
      out += `${notSep}*`;
      i += 1;
      continue;
    }
    if (c === "?") {
      out += notSep;
      i += 1;
      continue;
    }
    if (c === "[") {
      const end = p.indexOf("]", i + 2);
      if (end < 0) throw new SyntaxError(`Cannot parse glob "${p}": unclosed "[" at ${i}`);
      let body = p.slice(i + 1, end);
      let neg = false;
      if (body.startsWith("!") || body.startsWith("^")) {
        neg = true;
        body = body.slice(1);
      }
      const cls = body.replace(/[\\\]^[]/g, (m) => `\\${m}`);
      out += neg ? `(?:(?!${esc(sep)})[^${cls}])` : `[${cls}]`;
      i = end + 1;
      continue;
    }
    if (c === "{") {
      if (inBrace) throw new SyntaxError(`Cannot parse glob "${p}": nested "{" at ${i}`);
      if (p.indexOf("}", i) < 0) {
        throw new SyntaxError(`Cannot parse glob "${p}": unclosed "{" at ${i}`);
      }
      inBrace = true;
      out += "(?:";
      i += 1;
      continue;
    }
    if (c === "}" && inBrace) {
      inBrace = false;
      out += ")";
      i += 1;
      continue;
    }
    if (c === "," && inBrace) {
      out += "|";
      i += 1;
      continue;
    }
    out += esc(c);
    i += 1;
  }
  return out;
}
