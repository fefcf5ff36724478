/**
 * One layer of configuration as handed to `resolveConfig()`: a parsed TOML
 * tree, where it came from, and (for files) the line of each key.
 *
 * @module
 */

import type { LayerKind } from "./config_problem.ts";
import type { KeyLines } from "./key_lines.ts";

/** A parsed layer. Only `workspace` layers are restricted to tightening. */
export interface ConfigLayer {
  readonly kind: Exclude<LayerKind, "default">;
  /** File path, `ASTRID_X__Y` or `--set k=v`: named in messages and origins. */
  readonly source: string;
  /** The parsed TOML document (a table); validated by `resolveConfig()`. */
  readonly data: unknown;
  readonly lines?: KeyLines | undefined;
}
