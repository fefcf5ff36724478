/**
 * The folder a glob pattern can reach: its literal leading segments. A search
 * for `../../etc/*` reads `../../etc`, so that folder is what the policy must
 * judge, not the folder the search started in.
 *
 * @module
 */

const META = /[*?[\]{}]/;

/** Result of {@link globRoot}. */
export type GlobRoot = { ok: true; base: string; absolute: boolean } | {
  ok: false;
  reason: string;
};

/**
 * Split `pattern` into its literal base (`src/lib` for `src/lib/**\/*.ts`).
 * A `..` after the first wildcard (`*\/../..`) could climb anywhere and is
 * refused, as is a backslash (escapes would hide wildcards from this split).
 */
export function globRoot(pattern: string): GlobRoot {
  if (pattern.includes("\0")) {
    return { ok: false, reason: `pattern "${pattern}" contains a NUL byte` };
  }
  if (pattern.includes("\\")) {
    return {
      ok: false,
      reason: `pattern "${pattern}" contains a backslash, which is not supported`,
    };
  }
  const absolute = pattern.startsWith("/");
  const segments = pattern.split("/");
  const literal: string[] = [];
  let i = 0;
  for (; i < segments.length; i++) {
    const s = segments[i]!;
    if (META.test(s)) break;
    literal.push(s);
  }
  // The last literal segment of a wildcard-free pattern is the match itself; its parent is read.
  if (i === segments.length) literal.pop();
  for (const s of segments.slice(i)) {
    if (s === ".." || /(^|[{,])\.\.($|[},])/.test(s)) {
      return {
        ok: false,
        reason:
          `pattern "${pattern}" climbs with ".." after a wildcard; put ".." before any wildcard`,
      };
    }
  }
  const base = literal.filter((s) => s !== "").join("/");
  return { ok: true, base: absolute ? `/${base}` : base === "" ? "." : base, absolute };
}
