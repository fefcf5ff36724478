/**
 * Resolve configuration layers into one fully resolved, frozen config. Pure:
 * no files, no environment; `loadConfig()` does the reading.
 *
 * Layers come lowest first: built-in defaults (implicit), system, user,
 * workspace, environment, command line. System, user, environment and
 * command line are trusted (the admin and the person running Astrid): a
 * higher one replaces a lower one's value. The workspace file arrives with a
 * repository and may be hostile, so it can only tighten (see `merge_rules.ts`).
 *
 * @module
 */

import type { ConfigLayer } from "./config_layer.ts";
import type { ConfigProblem, LayerKind } from "./config_problem.ts";
import { lineOf } from "./key_lines.ts";
import { mergeTrusted, mergeWorkspace } from "./merge_rules.ts";
import { configField, configFields, type ResolvedConfig } from "./schema.ts";
import { validateLayer } from "./validate_layer.ts";

/** Which layer set a key's final value. */
export interface ConfigOrigin {
  readonly layer: LayerKind;
  /** File path, `ASTRID_X__Y`, `--set k=v`, or `built-in default`. */
  readonly source: string;
}

/** Key id (`policy.denied_paths`) -> origin, for every key. */
export type ConfigOrigins = Readonly<Record<string, ConfigOrigin>>;

/** The outcome of {@link resolveConfig}. */
export type ResolveResult =
  | {
    readonly ok: true;
    readonly config: ResolvedConfig;
    readonly origins: ConfigOrigins;
    readonly warnings: readonly ConfigProblem[];
  }
  | {
    readonly ok: false;
    readonly errors: readonly ConfigProblem[];
    readonly warnings: readonly ConfigProblem[];
  };

const RANK: Record<LayerKind, number> = {
  default: 0,
  system: 1,
  user: 2,
  workspace: 3,
  env: 4,
  cli: 5,
};

const DEFAULT_ORIGIN: ConfigOrigin = { layer: "default", source: "built-in default" };

/**
 * Validate every layer, then merge them over the defaults. Fails with every
 * problem of every layer; never falls back to a default for a bad value.
 *
 * @example
 * ```ts
 * const r = resolveConfig([{ kind: "cli", source: "--set", data: { workspace: { mode: "guided" } } }]);
 * if (r.ok) console.log(r.config.workspace.mode); // "guided"
 * ```
 */
export function resolveConfig(layers: readonly ConfigLayer[]): ResolveResult {
  for (let i = 1; i < layers.length; i++) {
    if (RANK[layers[i]!.kind] < RANK[layers[i - 1]!.kind]) {
      throw new TypeError(
        `resolveConfig(): layers must come lowest first, got "${layers[i]!.kind}" after "${
          layers[i - 1]!.kind
        }"`,
      );
    }
  }
  const validated = layers.map(validateLayer);
  const errors = validated.flatMap((v) => v.problems);
  if (errors.length > 0) return { ok: false, errors, warnings: [] };

  const values = new Map<string, unknown>();
  const origins = new Map<string, ConfigOrigin>();
  for (const f of configFields()) {
    values.set(f.id, structuredClone(f.spec.default));
    origins.set(f.id, DEFAULT_ORIGIN);
  }
  const warnings: ConfigProblem[] = [];
  for (const { layer, values: incoming } of validated) {
    for (const [id, value] of incoming) {
      const spec = configField(id)!.spec;
      const current = values.get(id);
      let next: unknown;
      let setsOrigin = true;
      if (layer.kind === "workspace") {
        const outcome = mergeWorkspace(
          spec.workspace,
          current,
          value,
          describeOrigin(origins.get(id)!),
        );
        for (const message of outcome.warnings) {
          warnings.push({
            layer: layer.kind,
            source: layer.source,
            key: id,
            line: lineOf(layer.lines, id.split(".")),
            message,
          });
        }
        next = outcome.value;
        // An ignored attempt does not make the workspace the origin of the value.
        setsOrigin = outcome.warnings.length === 0 ||
          JSON.stringify(next) !== JSON.stringify(current);
      } else next = mergeTrusted(spec.trusted, current, value);
      values.set(id, next);
      if (setsOrigin) origins.set(id, { layer: layer.kind, source: layer.source });
    }
  }
  return {
    ok: true,
    config: buildConfig(values),
    origins: Object.freeze(Object.fromEntries(origins)),
    warnings,
  };
}

/** The configuration with nothing set: every key at its default (mode `safe`). */
export function defaultConfig(): ResolvedConfig {
  const r = resolveConfig([]);
  if (!r.ok) throw new Error("built-in defaults do not validate");
  return r.config;
}

function describeOrigin(o: ConfigOrigin): string {
  return o.layer === "default" ? "the built-in default" : `the ${o.layer} config ${o.source}`;
}

function buildConfig(values: ReadonlyMap<string, unknown>): ResolvedConfig {
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of configFields()) {
    out[f.section] ??= {};
    out[f.section]![f.key] = values.get(f.id);
  }
  return deepFreeze(out) as unknown as ResolvedConfig;
}

function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}
