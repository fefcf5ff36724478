/**
 * Parse the text of one config file into a layer. Pure: the guards of
 * `toml_guard.ts` run first, then smol-toml, whose errors carry a line and
 * column that we keep.
 *
 * @module
 */

import { parse, TomlError } from "smol-toml";
import type { ConfigLayer } from "./config_layer.ts";
import type { ConfigProblem } from "./config_problem.ts";
import { locateKeys } from "./key_lines.ts";
import { checkTomlShape } from "./toml_guard.ts";

/** The result of parsing one file. */
export type ParsedLayer =
  | { readonly ok: true; readonly layer: ConfigLayer }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/** Parse `text` (the content of `source`) as a `kind` layer. */
export function parseConfigText(
  text: string,
  source: string,
  kind: ConfigLayer["kind"],
): ParsedLayer {
  const shape = checkTomlShape(text);
  if (shape) return { ok: false, problems: [{ layer: kind, source, key: "", ...shape }] };
  try {
    const data = parse(text);
    return { ok: true, layer: { kind, source, data, lines: locateKeys(text) } };
  } catch (e) {
    return { ok: false, problems: [{ layer: kind, source, key: "", ...describeParseError(e) }] };
  }
}

function describeParseError(e: unknown): { line?: number; column?: number; message: string } {
  if (e instanceof TomlError) {
    // smol-toml appends a code excerpt after a blank line; the first line is the reason.
    const reason = e.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
    const hint = /losslessly/.test(reason)
      ? ` (integers must be between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER})`
      : /redefine/.test(reason)
      ? " (duplicate key or table)"
      : "";
    return { line: e.line, column: e.column, message: `invalid TOML: ${reason}${hint}` };
  }
  if (e instanceof RangeError) {
    // Defence in depth: the shape guard should have rejected this document.
    return { message: `invalid TOML: document too deeply nested (${e.message})` };
  }
  throw e;
}
