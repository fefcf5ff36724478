/**
 * Validate one parsed layer against the schema: reserved names, unknown
 * sections and keys (with a "did you mean"), types, ranges and globs. Every
 * problem is collected; nothing stops at the first.
 *
 * @module
 */

import type { z } from "zod";
import type { ConfigLayer } from "./config_layer.ts";
import type { ConfigProblem } from "./config_problem.ts";
import { lineOf } from "./key_lines.ts";
import { formatKeyPath, type KeyPath } from "./key_path.ts";
import { configField, configSections, sectionKeys } from "./schema.ts";
import { nearest } from "./suggest.ts";

/** Valid values of one layer, by key id (`policy.denied_paths`), and its problems. */
export interface ValidatedLayer {
  readonly layer: ConfigLayer;
  readonly values: ReadonlyMap<string, unknown>;
  readonly problems: readonly ConfigProblem[];
}

/** Names that could reach `Object.prototype` through careless code: never keys. */
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

/** Check `layer` and keep the values that passed. */
export function validateLayer(layer: ConfigLayer): ValidatedLayer {
  const problems: ConfigProblem[] = [];
  const values = new Map<string, unknown>();
  const report = (path: KeyPath, message: string) =>
    problems.push({
      layer: layer.kind,
      source: layer.source,
      key: formatKeyPath(path),
      line: lineOf(layer.lines, path),
      message,
    });

  findReserved(layer.data, [], report);
  if (!isTable(layer.data)) {
    report([], `expected a TOML document (a table), got ${describeValue(layer.data, false)}`);
    return { layer, values, problems };
  }
  const sections = configSections();
  for (const [section, table] of entries(layer.data)) {
    if (RESERVED.has(section)) continue;
    const keys = sectionKeys(section);
    if (keys === undefined) {
      const hint = nearest(section, sections);
      report(
        [section],
        `unknown section [${section}]; ${
          hint ? `did you mean [${hint}]?` : `expected one of: ${sections.join(", ")}`
        }`,
      );
      continue;
    }
    if (!isTable(table)) {
      report([section], `expected a table [${section}], got ${describeValue(table, false)}`);
      continue;
    }
    for (const [key, value] of entries(table)) {
      if (RESERVED.has(key)) continue;
      const field = configField(`${section}.${key}`);
      if (field === undefined) {
        const hint = nearest(key, keys);
        report(
          [section, key],
          `unknown key "${key}" in [${section}]; ${
            hint ? `did you mean "${hint}"?` : `expected one of: ${keys.join(", ")}`
          }`,
        );
        continue;
      }
      const parsed = field.spec.kind.type.safeParse(value);
      if (parsed.success) {
        values.set(field.id, parsed.data);
        continue;
      }
      for (const issue of parsed.error.issues) {
        for (
          const [path, message] of describeIssue(
            issue,
            value,
            field.spec.kind.label,
            field.spec.secret,
          )
        ) {
          report([section, key, ...path], message);
        }
      }
    }
  }
  return { layer, values, problems };
}

function findReserved(
  node: unknown,
  path: (string | number)[],
  report: (path: KeyPath, message: string) => void,
): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => findReserved(item, [...path, i], report));
    return;
  }
  if (!isTable(node)) return;
  for (const [key, value] of entries(node)) {
    if (RESERVED.has(key)) {
      report(
        [...path, key],
        `key "${key}" is a reserved name and is not allowed in config (it could alter object prototypes)`,
      );
      continue;
    }
    findReserved(value, [...path, key], report);
  }
}

/** Own enumerable string keys with values, safe on null-prototype objects. */
function entries(table: object): [string, unknown][] {
  return Object.keys(table).map((k) => [k, (table as Record<string, unknown>)[k]]);
}

function isTable(v: unknown): v is object {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const seg of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, seg)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[seg];
  }
  return node;
}

const TYPE_NAMES: Record<string, string> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "a boolean (true or false)",
  array: "an array",
  object: "a table",
  record: "a table",
};

/** Messages for one zod issue, each with its path below the key. */
function describeIssue(
  issue: z.core.$ZodIssue,
  root: unknown,
  label: string,
  secret: boolean,
): [KeyPath, string][] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const value = valueAt(root, issue.path);
  const got = `got ${describeValue(value, secret)}`;
  const atTop = path.length === 0;
  switch (issue.code) {
    case "invalid_type": {
      const expected = atTop ? label : TYPE_NAMES[issue.expected] ?? issue.expected;
      return [[path, `expected ${expected}, ${got}`]];
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const op = issue.code === "too_small"
        ? issue.inclusive === false ? ">" : ">="
        : issue.inclusive === false
        ? "<"
        : "<=";
      if (issue.origin === "string" && issue.code === "too_small") {
        return [[path, `expected a non-empty string, ${got}`]];
      }
      const expected = atTop ? label : `${TYPE_NAMES[issue.origin] ?? "a value"} ${op} ${bound}`;
      return [[path, `expected ${expected}, ${got}`]];
    }
    case "invalid_value":
      return [[
        path,
        `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, ${got}`,
      ]];
    case "invalid_format":
      return [[
        path,
        issue.format === "url" ? `expected an http(s) URL, ${got}` : `${issue.message}, ${got}`,
      ]];
    case "unrecognized_keys":
      return issue.keys.map((k) => [[...path, k], `unknown key "${k}"`]);
    case "custom":
      // Glob errors already quote the pattern.
      return [[path, /"/.test(issue.message) ? issue.message : `${issue.message}, ${got}`]];
    default:
      return [[path, `${issue.message}, ${got}`]];
  }
}

/** A value as a message quotes it: `"text"`, `12`, `inf`, `a table`. Secrets are never shown. */
export function describeValue(value: unknown, secret: boolean): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (secret) return "a value (not shown: secret)";
  if (typeof value === "string") {
    const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return String(value);
  }
  if (typeof value === "boolean") return String(value);
  if (value instanceof Date) return `a date-time (${value.toISOString()})`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return "a table";
}
