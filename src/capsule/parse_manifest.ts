/**
 * `Capsule.toml` text -> {@link CapsuleManifest}. Pure: size and NUL guards,
 * smol-toml (duplicate keys, huge integers and deep `[`/`{` nesting are its
 * errors, with line and column), then {@link validateManifest}. A dotted key
 * thousands of segments deep overflows smol-toml's recursion; that
 * `RangeError` becomes a problem too, never a crash.
 *
 * @module
 */

import { parse, TomlError } from "smol-toml";
import { locateManifestKeys } from "./locate_manifest_keys.ts";
import type { CapsuleManifest } from "./manifest.ts";
import { ManifestError, type ManifestProblem } from "./manifest_error.ts";
import { type ManifestResult, validateManifest } from "./validate_manifest.ts";

/** Largest manifest accepted, in characters. */
export const MAX_MANIFEST_CHARS = 256 * 1024;
/** Deepest `[`/`{` nesting accepted. */
export const MAX_MANIFEST_DEPTH = 16;

/** Parse and validate; every problem is returned as a value. */
export function checkManifest(text: string, file: string): ManifestResult {
  const guard = guardProblem(text, file);
  if (guard) return { ok: false, problems: [guard] };
  let data: unknown;
  try {
    data = parse(text, { maxDepth: MAX_MANIFEST_DEPTH });
  } catch (e) {
    return { ok: false, problems: [parseProblem(e, file)] };
  }
  return validateManifest(data, file, locateManifestKeys(text));
}

/** Parse and validate `text` (the content of `file`); throws {@link ManifestError}. */
export function parseManifest(text: string, file: string): CapsuleManifest {
  const result = checkManifest(text, file);
  if (!result.ok) throw new ManifestError(result.problems);
  return result.manifest;
}

function guardProblem(text: string, file: string): ManifestProblem | undefined {
  if (text.length > MAX_MANIFEST_CHARS) {
    return {
      file,
      key: "",
      message: `file is ${text.length} characters long; expected at most ${MAX_MANIFEST_CHARS}`,
    };
  }
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    const line = text.slice(0, nul).split("\n").length;
    return { file, key: "", line, message: "NUL byte in file; expected text" };
  }
  return undefined;
}

function parseProblem(e: unknown, file: string): ManifestProblem {
  if (e instanceof TomlError) {
    // smol-toml appends a code excerpt after the first line; the first line is the reason.
    const reason = e.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
    const hint = /losslessly/.test(reason)
      ? ` (integers must be between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER})`
      : /redefine/.test(reason)
      ? " (duplicate key or table)"
      : /nested/.test(reason)
      ? ` (at most ${MAX_MANIFEST_DEPTH} levels)`
      : "";
    return { file, key: "", line: e.line, message: `invalid TOML: ${reason}${hint}` };
  }
  if (e instanceof RangeError) {
    return { file, key: "", message: "invalid TOML: document too deeply nested (dotted key?)" };
  }
  throw e;
}
