/**
 * The two layers above the files: `ASTRID_<SECTION>__<KEY>` environment
 * variables and `--set key=value` flags. Each variable or flag becomes its own
 * small layer, so origins and messages name exactly which one set a key.
 *
 * @module
 */

import { parse } from "smol-toml";
import type { ConfigLayer } from "./config_layer.ts";
import type { ConfigProblem } from "./config_problem.ts";
import { checkTomlShape } from "./toml_guard.ts";

/** Layers built from overrides, and the malformed ones. */
export interface OverrideLayers {
  readonly layers: readonly ConfigLayer[];
  readonly problems: readonly ConfigProblem[];
}

const ENV_PREFIX = "ASTRID_";

/**
 * A value as typed on a command line or in an environment variable: a TOML
 * value when it parses as one (numbers, booleans, arrays, inline tables,
 * quoted strings), otherwise the raw text as a string (`guided`).
 */
export function parseLooseValue(raw: string): unknown {
  if (checkTomlShape(raw) !== undefined) return raw;
  try {
    const doc = parse(`v = ${raw}`);
    const keys = Object.keys(doc);
    // A date is almost certainly meant as text; more than one key means the
    // value smuggled in a newline and another assignment.
    if (keys.length === 1 && keys[0] === "v" && !(doc.v instanceof Date)) return doc.v;
  } catch {
    // Not a TOML value: a bare string.
  }
  return raw;
}

/**
 * One layer per `ASTRID_<SECTION>__<KEY>` variable, in name order. Variables
 * without `__` (`ASTRID_HOME`) are not config keys and are skipped.
 */
export function envLayers(env: Readonly<Record<string, string>>): OverrideLayers {
  const layers: ConfigLayer[] = [];
  const problems: ConfigProblem[] = [];
  const names = Object.keys(env).filter((n) => n.startsWith(ENV_PREFIX) && n.includes("__"))
    .sort();
  for (const name of names) {
    const parts = name.slice(ENV_PREFIX.length).split("__").map((p) => p.toLowerCase());
    if (parts.length !== 2 || parts.some((p) => !/^[a-z0-9_]+$/.test(p))) {
      problems.push({
        layer: "env",
        source: name,
        key: "",
        message: `cannot read environment variable "${name}": expected ASTRID_<SECTION>__<KEY>, ` +
          `e.g. ASTRID_WORKSPACE__MODE`,
      });
      continue;
    }
    layers.push({
      kind: "env",
      source: name,
      data: nest(parts, parseLooseValue(env[name] ?? "")),
    });
  }
  return { layers, problems };
}

/** One layer per `--set key=value`, in the order given (later wins). */
export function setLayers(sets: readonly string[]): OverrideLayers {
  const layers: ConfigLayer[] = [];
  const problems: ConfigProblem[] = [];
  for (const set of sets) {
    const source = `--set ${set}`;
    const eq = assignmentIndex(set);
    const path = eq < 0 ? undefined : keyPath(set.slice(0, eq));
    if (path === undefined || path.length < 2) {
      problems.push({
        layer: "cli",
        source,
        key: "",
        message: `cannot read --set ${JSON.stringify(set)}: expected section.key=value, ` +
          `e.g. --set workspace.mode=guided`,
      });
      continue;
    }
    layers.push({ kind: "cli", source, data: nest(path, parseLooseValue(set.slice(eq + 1))) });
  }
  return { layers, problems };
}

/** Index of the first `=` outside quotes, or -1. */
function assignmentIndex(s: string): number {
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "=") return i;
  }
  return -1;
}

/** The segments of a TOML dotted key (`llm.prices."gpt-4.1"`), or `undefined`. */
function keyPath(key: string): string[] | undefined {
  if (/[\r\n]/.test(key) || key.trim() === "" || checkTomlShape(key) !== undefined) {
    return undefined;
  }
  let node: unknown;
  try {
    node = parse(`${key} = 0`);
  } catch {
    return undefined;
  }
  const path: string[] = [];
  while (typeof node === "object" && node !== null) {
    const keys = Object.keys(node);
    if (keys.length !== 1) return undefined;
    path.push(keys[0]!);
    node = (node as Record<string, unknown>)[keys[0]!];
  }
  return path;
}

/** `{a: {b: value}}` for `["a", "b"]`, built on null-prototype objects so no key is special. */
function nest(path: readonly string[], value: unknown): unknown {
  let out = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const table = Object.create(null) as Record<string, unknown>;
    table[path[i]!] = out;
    out = table;
  }
  return out;
}
