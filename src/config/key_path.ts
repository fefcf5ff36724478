/**
 * Dotted key paths as people read them in messages: `policy.denied_paths[2]`,
 * `llm.prices."gpt-4.1".input_per_mtok`. One formatter, so the key locator and
 * the validator name keys the same way.
 *
 * @module
 */

/** A path through a TOML document: table keys and array indexes. */
export type KeyPath = readonly (string | number)[];

const BARE = /^[A-Za-z0-9_-]+$/;

/** Render `path` as TOML would spell it, with `[i]` for array indexes. */
export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") {
      out += `[${seg}]`;
      continue;
    }
    const name = BARE.test(seg) ? seg : JSON.stringify(seg);
    out += out === "" ? name : `.${name}`;
  }
  return out;
}
