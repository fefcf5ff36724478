/**
 * Canonical JSON: one byte string per value, so hashes and signatures over
 * structured data are reproducible across processes and versions.
 *
 * Rules (a subset of RFC 8785, JCS): object keys sorted by UTF-16 code units,
 * no whitespace, strings escaped as `JSON.stringify` does, numbers must be
 * finite floats printed by `JSON.stringify`. An object property whose value is
 * `undefined` is absent (as an optional TypeScript field is); `undefined` in an
 * array, functions, symbols, bigints, NaN and Infinity are rejected with a
 * `TypeError` naming the path, because guessing a value would change what was signed.
 *
 * @module
 */

/** A value that has exactly one canonical JSON encoding. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Encode `value` canonically. Throws `TypeError` on values JSON cannot carry exactly. */
export function canonicalJson(value: unknown): string {
  return enc(value, "$", 0);
}

const MAX_DEPTH = 256;

function enc(v: unknown, path: string, depth: number): string {
  if (depth > MAX_DEPTH) {
    throw new TypeError(`Cannot encode ${path}: nested deeper than ${MAX_DEPTH}`);
  }
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "number":
      if (!Number.isFinite(v)) {
        throw new TypeError(`Cannot encode ${path}: number ${v} is not finite`);
      }
      return JSON.stringify(v);
    case "string":
      return JSON.stringify(v);
    case "object": {
      if (Array.isArray(v)) {
        return "[" + v.map((x, i) => {
          if (x === undefined) {
            throw new TypeError(`Cannot encode ${path}[${i}]: undefined in an array`);
          }
          return enc(x, `${path}[${i}]`, depth + 1);
        }).join(",") + "]";
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(
          `Cannot encode ${path}: expected a plain object, got ${proto?.constructor?.name}`,
        );
      }
      const keys = Object.keys(v).sort();
      const parts: string[] = [];
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined) continue;
        parts.push(JSON.stringify(k) + ":" + enc(x, `${path}.${k}`, depth + 1));
      }
      return "{" + parts.join(",") + "}";
    }
    default:
      throw new TypeError(`Cannot encode ${path}: ${typeof v} has no JSON form`);
  }
}
