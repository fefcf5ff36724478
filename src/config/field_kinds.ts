/**
 * Value kinds for config keys: each pairs a zod schema with the short type
 * label the reference table shows, so the label can never drift from what is
 * validated.
 *
 * @module
 */

import { z } from "zod";
import { globError } from "../security/glob.ts";

/** A validator and its human label (`integer 1..64`, `array of path globs`). */
export interface FieldKind<T> {
  readonly type: z.ZodType<T>;
  readonly label: string;
}

/** An integer within `min..max` (inclusive; `max` defaults to the safe-integer limit). */
export function intKind(min: number, max?: number): FieldKind<number> {
  const type = z.int().min(min).max(max ?? Number.MAX_SAFE_INTEGER);
  return { type, label: max === undefined ? `integer >= ${min}` : `integer ${min}..${max}` };
}

/** A finite number within `min..max`. */
export function numberKind(min: number, max?: number, unit = ""): FieldKind<number> {
  const base = z.number().min(min);
  const type = max === undefined ? base : base.max(max);
  const range = max === undefined ? `>= ${min}` : `${min}..${max}`;
  return { type, label: `number ${range}${unit ? ` (${unit})` : ""}` };
}

/** One of a fixed set of strings. */
export function enumKind<const T extends readonly [string, ...string[]]>(
  values: T,
): FieldKind<T[number]> {
  return {
    type: z.enum(values) as unknown as z.ZodType<T[number]>,
    label: values.map((v) => `"${v}"`).join(" | "),
  };
}

/** A boolean. */
export function booleanKind(): FieldKind<boolean> {
  return { type: z.boolean(), label: "boolean" };
}

/** A non-empty string without control characters. */
export function nameKind(what = "string"): FieldKind<string> {
  return { type: nonEmptyString(), label: what };
}

/** An `http:` or `https:` URL. */
export function urlKind(): FieldKind<string> {
  // zod's httpUrl() wants a dotted host; local model servers live on
  // 127.0.0.1, [::1] or localhost, so parse with URL and check the scheme.
  const url = z.string().refine((value) => {
    try {
      const u = new URL(value);
      return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
    } catch {
      return false;
    }
  }, { message: "expected an http(s) URL" });
  return { type: url, label: "http(s) URL" };
}

/** An environment variable name (`[A-Za-z_][A-Za-z0-9_]*`). */
export function envNameKind(): FieldKind<string> {
  return { type: envName(), label: "env var name" };
}

/** An array of environment variable names. */
export function envNamesKind(): FieldKind<string[]> {
  return { type: z.array(envName()), label: "array of env var names" };
}

/** An array of non-empty names (commands, tools, capsules). */
export function namesKind(what: string): FieldKind<string[]> {
  return { type: z.array(nonEmptyString()), label: `array of ${what}` };
}

/** An array of globs in our one dialect (`src/security/glob.ts`). */
export function globsKind(separator: "/" | "."): FieldKind<string[]> {
  const glob = nonEmptyString().superRefine((pattern, ctx) => {
    if (pattern === "") return; // reported once, as an empty string
    const problem = globError(pattern, { separator });
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, input: pattern });
  });
  return {
    type: z.array(glob),
    label: separator === "/" ? "array of path globs" : "array of host globs",
  };
}

/** A plain object of a fixed shape; unknown keys are errors. */
export function tableKind<T>(type: z.ZodType<T>, label: string): FieldKind<T> {
  return { type, label };
}

function nonEmptyString() {
  // Control characters (NUL, escapes) have no place in names, globs or URLs.
  // deno-lint-ignore no-control-regex
  return z.string().min(1).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), {
    message: "control characters are not allowed",
  });
}

function envName() {
  return z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    message: 'expected an environment variable name like "PATH" ([A-Za-z_][A-Za-z0-9_]*)',
  });
}
