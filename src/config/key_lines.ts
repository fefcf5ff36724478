/**
 * Best-effort map from key paths to the line that sets them, so validation
 * errors (which smol-toml cannot position, since it returns plain values)
 * still point at a line. It reads `[table]`, `[[array]]` headers and
 * `key = value` lines; keys inside inline tables fall back to their parent's
 * line through {@link lineOf}.
 *
 * @module
 */

import { formatKeyPath, type KeyPath } from "./key_path.ts";

/** Key path (as {@link formatKeyPath} renders it) -> 1-based line. */
export type KeyLines = ReadonlyMap<string, number>;

const HEADER = /^\s*(\[\[?)\s*([^\]#]+?)\s*\]\]?\s*(?:#.*)?$/;
const ASSIGN =
  /^\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=/;

/** Find the line of every header and `key =` assignment in `text`. */
export function locateKeys(text: string): KeyLines {
  const lines = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  let prefix: (string | number)[] = [];
  let inMultiline: string | undefined;
  const note = (path: KeyPath, line: number) => {
    for (let n = 1; n <= path.length; n++) {
      const k = formatKeyPath(path.slice(0, n));
      if (!lines.has(k)) lines.set(k, line);
    }
  };
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    if (inMultiline !== undefined) {
      if (countOf(raw, inMultiline) % 2 === 1) inMultiline = undefined;
      return;
    }
    const header = HEADER.exec(raw);
    if (header) {
      const path = splitKey(header[2]!);
      if (header[1] === "[[") {
        const id = formatKeyPath(path);
        const i = arrayCounts.get(id) ?? 0;
        arrayCounts.set(id, i + 1);
        prefix = [...path, i];
      } else prefix = path;
      note(prefix, line);
      return;
    }
    const assign = ASSIGN.exec(raw);
    if (assign) {
      note([...prefix, ...splitKey(assign[1]!)], line);
      const rest = raw.slice(assign[0].length);
      for (const q of ['"""', "'''"]) {
        if (countOf(rest, q) % 2 === 1) inMultiline = q;
      }
    }
  });
  return lines;
}

/** The line of `path`, or of its nearest located ancestor. */
export function lineOf(lines: KeyLines | undefined, path: KeyPath): number | undefined {
  if (!lines) return undefined;
  for (let n = path.length; n > 0; n--) {
    const hit = lines.get(formatKeyPath(path.slice(0, n)));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function splitKey(key: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\s*(?:\.|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < key.length && (m = re.exec(key)) !== null) {
    const quoted = m[2];
    out.push(m[1] ?? (quoted !== undefined ? unescapeBasic(quoted) : m[3] ?? ""));
  }
  return out;
}

function unescapeBasic(s: string): string {
  try {
    return JSON.parse(`"${s}"`);
  } catch {
    return s;
  }
}

function countOf(s: string, needle: string): number {
  return s.split(needle).length - 1;
}
