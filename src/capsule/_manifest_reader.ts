/**
 * Strict readers over parsed TOML for the manifest validator: each one checks
 * a type, records a problem naming the key when it is wrong, and returns
 * `undefined` so validation goes on and reports everything at once.
 *
 * @module
 */

import type { ManifestProblem } from "./manifest_error.ts";
import { lineOf } from "./locate_manifest_keys.ts";

/** A parsed TOML table. */
export type Table = Readonly<Record<string, unknown>>;

/** Collects problems for one file. */
export class ManifestReader {
  readonly problems: ManifestProblem[] = [];

  constructor(readonly file: string, private readonly lines: ReadonlyMap<string, number>) {}

  /** Record a problem at `key`. */
  problem(key: string, message: string): void {
    const line = lineOf(this.lines, key);
    this.problems.push(
      line === undefined
        ? { file: this.file, key, message }
        : { file: this.file, key, line, message },
    );
  }

  /**
   * `value` as a table whose keys are all in `allowed` (unknown keys are
   * problems); `allowed: null` accepts any key (the caller judges them).
   */
  table(value: unknown, key: string, allowed: readonly string[] | null): Table | undefined {
    if (!isTable(value)) {
      this.problem(key, `expected a table, got ${describe(value)}`);
      return undefined;
    }
    if (allowed === null) return value;
    for (const k of Object.keys(value)) {
      if (!allowed.includes(k)) {
        this.problem(
          join(key, k),
          `unknown key "${k}"; expected one of: ${allowed.join(", ")}`,
        );
      }
    }
    return value;
  }

  /** An array of tables (`[[x]]`), each checked with {@link table}. */
  tables(value: unknown, key: string, allowed: readonly string[]): Table[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problem(key, `expected an array of tables ([[${key}]]), got ${describe(value)}`);
      return [];
    }
    const out: Table[] = [];
    value.forEach((v, i) => {
      const t = this.table(v, `${key}[${i}]`, allowed);
      if (t) out.push(t);
    });
    return out;
  }

  /** A string field; `check` returns a problem text for a bad value. */
  string(
    t: Table,
    field: string,
    key: string,
    opts: { required?: boolean; check?: (s: string) => string | undefined; max?: number } = {},
  ): string | undefined {
    const full = join(key, field);
    const v = t[field];
    if (v === undefined) {
      if (opts.required) this.problem(full, "missing; expected a string");
      return undefined;
    }
    if (typeof v !== "string") {
      this.problem(full, `expected a string, got ${describe(v)}`);
      return undefined;
    }
    const max = opts.max ?? 4096;
    if (v.length > max) {
      this.problem(full, `is ${v.length} characters long; expected at most ${max}`);
      return undefined;
    }
    const bad = opts.check?.(v);
    if (bad) {
      this.problem(full, bad);
      return undefined;
    }
    return v;
  }

  /** An array of strings; each element checked, duplicates refused unless `unique: false`. */
  strings(
    t: Table,
    field: string,
    key: string,
    check?: (s: string) => string | undefined,
    opts: { unique?: boolean; max?: number } = {},
  ): string[] {
    const max = opts.max ?? 256;
    const full = join(key, field);
    const v = t[field];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.problem(full, `expected an array of strings, got ${describe(v)}`);
      return [];
    }
    if (v.length > max) {
      this.problem(full, `has ${v.length} entries; expected at most ${max}`);
      return [];
    }
    const out: string[] = [];
    v.forEach((s, i) => {
      if (typeof s !== "string") {
        this.problem(`${full}[${i}]`, `expected a string, got ${describe(s)}`);
        return;
      }
      if (s.length > 4096) {
        this.problem(`${full}[${i}]`, `is ${s.length} characters long; expected at most 4096`);
        return;
      }
      const bad = check?.(s);
      if (bad) this.problem(`${full}[${i}]`, bad);
      else if (opts.unique !== false && out.includes(s)) {
        this.problem(`${full}[${i}]`, `"${s}" is listed twice`);
      } else out.push(s);
    });
    return out;
  }

  /** A boolean field (absent means `fallback`). */
  boolean(t: Table, field: string, key: string, fallback: boolean): boolean {
    const v = t[field];
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") {
      this.problem(join(key, field), `expected true or false, got ${describe(v)}`);
      return fallback;
    }
    return v;
  }
}

/** A plain table as smol-toml builds it (never an array, date or other object). */
export function isTable(v: unknown): v is Table {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

/** `a.b`, or `b` at the top. */
export function join(key: string, field: string): string {
  return key === "" ? field : `${key}.${field}`;
}

/** A short description of a TOML value's type, for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.slice(0, 40))}`;
  if (typeof v === "number") return Number.isInteger(v) ? `the integer ${v}` : `the float ${v}`;
  if (typeof v === "boolean") return `${v}`;
  if (isTable(v)) return "a table";
  return "a date/time";
}
