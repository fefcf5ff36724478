/**
 * Line numbers of the keys of a TOML document, for messages only (never for
 * decisions): `[env.TOKEN]` -> `env.TOKEN`, `type = ...` under it ->
 * `env.TOKEN.type`, the second `[[cron]]` -> `cron[1]`. A line scanner, not a
 * parser: it skips multi-line strings and arrays, and anything it cannot read
 * simply has no line.
 *
 * @module
 */

const BARE = /^[A-Za-z0-9_-]+/;

/** Map from dotted key path to its 1-based line. */
export function locateManifestKeys(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const counts = new Map<string, number>();
  let table = "";
  let open: string | null = null; // an unfinished multi-line string or array
  const rows = text.split("\n");
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!.trim();
    if (open !== null) {
      if (open === "]" ? row.endsWith("]") : row.includes(open)) open = null;
      continue;
    }
    if (row === "" || row.startsWith("#")) continue;
    const header = row.match(/^(\[\[?)\s*([^\]]+?)\s*\]\]?/);
    if (header) {
      const path = readKeyPath(header[2]!);
      if (path === null) continue;
      if (header[1] === "[[") {
        const n = counts.get(path) ?? 0;
        counts.set(path, n + 1);
        table = `${path}[${n}]`;
      } else {
        table = path;
      }
      if (!lines.has(table)) lines.set(table, i + 1);
      continue;
    }
    const eq = row.indexOf("=");
    if (eq <= 0) continue;
    const key = readKeyPath(row.slice(0, eq).trim());
    if (key === null) continue;
    const full = table === "" ? key : `${table}.${key}`;
    if (!lines.has(full)) lines.set(full, i + 1);
    const value = row.slice(eq + 1).trim();
    for (const q of ['"""', "'''"]) {
      if (value.startsWith(q) && !value.slice(3).includes(q)) open = q;
    }
    if (value.startsWith("[") && !balanced(value)) open = "]";
  }
  return lines;
}

/** The line of `key`, or of its nearest ancestor that has one. */
export function lineOf(lines: ReadonlyMap<string, number>, key: string): number | undefined {
  let k = key;
  for (;;) {
    const hit = lines.get(k);
    if (hit !== undefined) return hit;
    const cut = Math.max(k.lastIndexOf("."), k.lastIndexOf("["));
    if (cut <= 0) return undefined;
    k = k.slice(0, cut);
  }
}

function readKeyPath(text: string): string | null {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^"((?:[^"\\]|\\.)*)"/)) || (m = rest.match(/^'([^']*)'/))) {
      parts.push(m[1]!);
    } else if ((m = rest.match(BARE))) {
      parts.push(m[0]);
    } else return null;
    rest = rest.slice(m[0].length).trim();
    if (rest === "") break;
    if (!rest.startsWith(".")) return null;
    rest = rest.slice(1).trim();
  }
  return parts.length > 0 ? parts.join(".") : null;
}

function balanced(value: string): boolean {
  let depth = 0;
  let quote = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") break;
    else if (c === "[") depth++;
    else if (c === "]") depth--;
  }
  return depth <= 0;
}
