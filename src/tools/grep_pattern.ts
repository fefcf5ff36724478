/**
 * A compiled `grep` pattern and the literal fast path. The engine for real
 * regular expressions is in compile_grep_pattern.ts, loaded only when needed.
 *
 * @module
 */

/** A compiled grep pattern. */
export interface GrepPattern {
  /** True when `text` contains a match (unanchored). */
  test(text: string): boolean;
  /**
   * True when testing a whole file first is exact: with multi-line anchors
   * a line can match only if the text does, unless the pattern uses the
   * absolute anchors `\A`/`\z` or switches multi-line mode off.
   */
  readonly wholeTextPrefilter: boolean;
}

/** True when `pattern` has no regular expression syntax at all. */
export function isLiteralPattern(pattern: string): boolean {
  return /^[^\\^$.*+?()[\]{}|]+$/.test(pattern);
}

/**
 * A case-sensitive literal needs no engine: a substring test is exact, and
 * the grep Worker then skips loading `re2js` (a third of its start-up).
 */
export function literalPattern(literal: string): GrepPattern {
  return { test: (text) => text.includes(literal), wholeTextPrefilter: true };
}
