/**
 * A problem found in configuration: where it is (layer, file or variable,
 * line, key) and what is wrong. Errors refuse to start; warnings (a workspace
 * trying to loosen a setting) are printed and the value is ignored.
 *
 * @module
 */

/** The layers, lowest to highest. `default` is the built-in schema default. */
export type LayerKind = "default" | "system" | "user" | "workspace" | "env" | "cli";

/** One error or warning. */
export interface ConfigProblem {
  readonly layer: LayerKind;
  /** File path, `ASTRID_X__Y` (environment) or `--set k=v` (command line). */
  readonly source: string;
  /** Dotted key (`policy.denied_paths[1]`), or `""` for the whole file. */
  readonly key: string;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly message: string;
}

/** `source:line:col: key: message`, the form used in errors and warnings. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined
    ? p.source
    : `${p.source}:${p.line}${p.column === undefined ? "" : `:${p.column}`}`;
  return p.key === "" ? `${where}: ${p.message}` : `${where}: ${p.key}: ${p.message}`;
}

/** A multi-line report of `problems` under a one-line heading. */
export function formatProblems(heading: string, problems: readonly ConfigProblem[]): string {
  const n = problems.length;
  return [
    `${heading} (${n} problem${n === 1 ? "" : "s"}):`,
    ...problems.map((p) => `  ${formatProblem(p)}`),
  ]
    .join("\n");
}
