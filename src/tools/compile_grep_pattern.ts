/**
 * `grep` patterns: RE2 syntax (as ripgrep's default engine), matched in
 * linear time by `re2js`.
 *
 * Invariant: no pattern can make a search run in super-linear time. V8's own
 * engine backtracks, and its backtracking cannot be interrupted: a Worker
 * terminated at the time limit kept a core busy inside `(a+)+$` long after the
 * tool had returned (measured: 2.7 s of CPU in the 3 s after the call, and
 * the process could not exit). RE2 has no backtracking, so the same pattern
 * takes microseconds; look-around and backreferences, which need
 * backtracking, are refused with a clear message instead.
 *
 * @module
 */

import { RE2JS } from "re2js";
import type { GrepPattern } from "./grep_pattern.ts";

/** Compile `pattern`; throws `TypeError` naming the problem. */
export function compileGrepPattern(pattern: string, caseInsensitive: boolean): GrepPattern {
  let re: RE2JS;
  try {
    re = RE2JS.compile(
      pattern,
      RE2JS.MULTILINE | (caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0),
    );
  } catch (e) {
    const why = (e as Error).message;
    const hint = /\(\?[=!<]|\\[1-9]|\\k</.test(pattern)
      ? " (look-around and backreferences are not supported: patterns use RE2 syntax, as ripgrep)"
      : "";
    throw new TypeError(
      `grep: argument "pattern" is not a valid regular expression: ${why}${hint}`,
    );
  }
  return {
    test: (text) => re.test(text),
    wholeTextPrefilter: !/\\[Az]|\(\?[a-zA-Z]*-[a-zA-Z]*m/.test(pattern),
  };
}
