/**
 * The I/O shell around `resolveConfig()`: read the config files that exist,
 * decode and parse them, add the environment and `--set` layers, resolve.
 * Invalid config throws `AstridError("CONFIG_INVALID")` listing every problem;
 * nothing silently falls back to a default.
 *
 * @module
 */

import { AstridError } from "../core/mod.ts";
import type { ConfigLayer } from "./config_layer.ts";
import { type ConfigProblem, formatProblems } from "./config_problem.ts";
import { envLayers, setLayers } from "./override_layers.ts";
import { parseConfigText } from "./parse_config_text.ts";
import { type ConfigPaths, configPaths } from "./paths.ts";
import { type ConfigOrigins, resolveConfig, type ResolveResult } from "./resolve_config.ts";
import type { ResolvedConfig } from "./schema.ts";
import { decodeConfigBytes } from "./toml_guard.ts";

/** Reads a whole file; `null` when it does not exist. */
export type ReadConfigFile = (path: string) => Promise<Uint8Array | null>;

/** Inputs of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The Astrid home folder (see `resolveHome`). */
  readonly home: string;
  /** The workspace folder (see `resolveWorkspace`). */
  readonly workspace: string;
  /** The environment: `ASTRID_<SECTION>__<KEY>` variables and `ASTRID_SYSTEM_CONFIG`. */
  readonly env: Readonly<Record<string, string>>;
  /** `--set key=value` flags, in order. */
  readonly sets?: readonly string[] | undefined;
  /** The system file; default `$ASTRID_SYSTEM_CONFIG` or `/etc/astrid/config.toml`. */
  readonly systemPath?: string | undefined;
  /** File reader port (default: `Deno.readFile`). */
  readonly readFile?: ReadConfigFile | undefined;
}

/** One file layer and whether it was found. */
export interface ConfigFileStatus {
  readonly layer: "system" | "user" | "workspace";
  readonly path: string;
  readonly exists: boolean;
}

/** A successful load. */
export interface LoadedConfig {
  readonly config: ResolvedConfig;
  readonly origins: ConfigOrigins;
  readonly warnings: readonly ConfigProblem[];
  readonly paths: ConfigPaths;
  readonly files: readonly ConfigFileStatus[];
}

/** A load that may have failed, for commands that report instead of throwing. */
export type LoadResult =
  & { readonly paths: ConfigPaths; readonly files: readonly ConfigFileStatus[] }
  & ResolveResult;

/** Load and resolve every layer; throws `AstridError("CONFIG_INVALID")` listing all problems. */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const r = await tryLoadConfig(options);
  if (!r.ok) {
    throw new AstridError("CONFIG_INVALID", formatProblems("invalid configuration", r.errors));
  }
  return r;
}

/** Like {@link loadConfig}, but returns the problems instead of throwing. */
export async function tryLoadConfig(options: LoadConfigOptions): Promise<LoadResult> {
  const read = options.readFile ?? denoReadFile;
  const paths = configPaths(options);
  const layers: ConfigLayer[] = [];
  const problems: ConfigProblem[] = [];
  const files: ConfigFileStatus[] = [];
  for (const layer of ["system", "user", "workspace"] as const) {
    const path = paths[layer];
    const loaded = await readLayer(read, path, layer);
    files.push({ layer, path, exists: loaded.exists });
    if (loaded.layer) layers.push(loaded.layer);
    problems.push(...loaded.problems);
  }
  for (const overrides of [envLayers(options.env), setLayers(options.sets ?? [])]) {
    layers.push(...overrides.layers);
    problems.push(...overrides.problems);
  }
  const r = resolveConfig(layers);
  if (!r.ok || problems.length > 0) {
    return {
      ok: false,
      errors: [...problems, ...(r.ok ? [] : r.errors)],
      warnings: r.warnings,
      paths,
      files,
    };
  }
  return { ...r, paths, files };
}

/**
 * Validate one file on its own, as a `kind` layer over the defaults (for
 * `config validate FILE`). A workspace file also reports what it would be
 * refused, as warnings.
 */
export async function validateConfigFile(
  path: string,
  kind: "user" | "workspace",
  readFile: ReadConfigFile = denoReadFile,
): Promise<
  {
    readonly exists: boolean;
    readonly errors: readonly ConfigProblem[];
    readonly warnings: readonly ConfigProblem[];
  }
> {
  const loaded = await readLayer(readFile, path, kind);
  if (!loaded.exists) {
    return {
      exists: false,
      errors: [{ layer: kind, source: path, key: "", message: "file not found" }],
      warnings: [],
    };
  }
  if (!loaded.layer) return { exists: true, errors: loaded.problems, warnings: [] };
  const r = resolveConfig([loaded.layer]);
  return { exists: true, errors: r.ok ? [] : r.errors, warnings: r.warnings };
}

async function readLayer(
  read: ReadConfigFile,
  path: string,
  kind: ConfigLayer["kind"],
): Promise<{ exists: boolean; layer?: ConfigLayer; problems: ConfigProblem[] }> {
  let bytes: Uint8Array | null;
  try {
    bytes = await read(path);
  } catch (e) {
    return {
      exists: true,
      problems: [{
        layer: kind,
        source: path,
        key: "",
        message: `cannot read file: ${e instanceof Error ? e.message : String(e)}`,
      }],
    };
  }
  if (bytes === null) return { exists: false, problems: [] };
  const decoded = decodeConfigBytes(bytes);
  if (!decoded.ok) {
    return { exists: true, problems: [{ layer: kind, source: path, key: "", ...decoded.problem }] };
  }
  const parsed = parseConfigText(decoded.text, path, kind);
  return parsed.ok
    ? { exists: true, layer: parsed.layer, problems: [] }
    : { exists: true, problems: [...parsed.problems] };
}

/** `Deno.readFile`, with `null` for a missing file. */
export async function denoReadFile(path: string): Promise<Uint8Array | null> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}
