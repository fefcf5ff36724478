/**
 * Token scopes: does a resource pattern cover a concrete resource?
 *
 * Both sides are checked before any glob runs. A `..` or `.` segment, an
 * empty segment (`//`), a NUL byte or a backslash anywhere in the path part
 * makes the pattern or resource invalid, and an invalid side never matches:
 * a scope can only be as wide as its literal text says. Schemes must be equal.
 *
 * - `file:///abs/path/**`: an absolute path glob (`/` separated; `**` spans folders).
 * - `exec://git`: an executable base name, exactly or as a glob without `/`;
 *   `exec:///usr/bin/git`: an absolute path, held to the same rules as `file:`.
 * - `net://host:port`: host glob (`.` separated, case-insensitive) and a port
 *   number or `*`.
 * - `mcp://server:tool`, `capsule://id:capability`: each half a glob.
 * - `data://`, `pay://`, `acl://`, `grant://`: the rest as a `/` glob.
 *
 * @module
 */

import { globMatch } from "../glob.ts";

const SCHEMES = new Set(["file", "exec", "net", "mcp", "capsule", "data", "pay", "acl", "grant"]);

/** A resource URI split into scheme and rest, or why it is invalid. */
export type ParsedResource =
  | { ok: true; scheme: string; rest: string }
  | { ok: false; reason: string };

/** Split and validate a resource URI or pattern. */
export function parseResource(uri: string): ParsedResource {
  const m = /^([a-z]+):\/\/(.*)$/s.exec(uri);
  if (!m) return { ok: false, reason: `"${uri}" is not a resource URI (scheme://...)` };
  const scheme = m[1]!;
  const rest = m[2]!;
  if (!SCHEMES.has(scheme)) return { ok: false, reason: `unknown resource scheme "${scheme}"` };
  if (rest.length === 0) return { ok: false, reason: `"${uri}" names no resource` };
  if (rest.includes("\0") || rest.includes("\\")) {
    return { ok: false, reason: `"${uri}" contains a NUL byte or a backslash` };
  }
  if (scheme === "file" || (scheme === "exec" && rest.startsWith("/"))) {
    if (!rest.startsWith("/")) {
      return { ok: false, reason: `"${uri}" is not an absolute file path` };
    }
    const problem = pathProblem(rest);
    if (problem) return { ok: false, reason: `"${uri}" contains ${problem}` };
  } else if (/(^|[/:])\.\.?($|[/:])/.test(rest)) {
    return { ok: false, reason: `"${uri}" contains a "." or ".." segment` };
  }
  return { ok: true, scheme, rest };
}

/** True when `pattern` covers `resource` under the rules above. */
export function scopeCovers(pattern: string, resource: string): boolean {
  const p = parseResource(pattern);
  const r = parseResource(resource);
  if (!p.ok || !r.ok || p.scheme !== r.scheme) return false;
  try {
    switch (p.scheme) {
      case "file":
        return globMatch(p.rest, r.rest);
      case "exec":
        if (r.rest.includes("/")) return p.rest.includes("/") && globMatch(p.rest, r.rest);
        return !p.rest.includes("/") && globMatch(p.rest, r.rest);
      case "net": {
        const ph = splitHostPort(p.rest);
        const rh = splitHostPort(r.rest);
        if (!ph || !rh || rh.port === "*") return false;
        return (ph.port === "*" || ph.port === rh.port) &&
          globMatch(ph.host, rh.host, { separator: ".", caseInsensitive: true });
      }
      case "mcp":
      case "capsule": {
        const [pa, pb] = splitPair(p.rest);
        const [ra, rb] = splitPair(r.rest);
        if (pa === undefined || pb === undefined || ra === undefined || rb === undefined) {
          return false;
        }
        return globMatch(pa, ra) && globMatch(pb, rb);
      }
      default:
        return globMatch(p.rest, r.rest);
    }
  } catch {
    return false; // a pattern that does not compile covers nothing
  }
}

/** Why an absolute path is not in the one spelling a scope accepts, if it is not. */
function pathProblem(path: string): string | undefined {
  const segs = path.split("/").slice(1);
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s === "..") return `a ".." segment`;
    if (s === ".") return `a "." segment`;
    // Only the root itself ("/") may end in an empty segment.
    if (s === "" && !(i === segs.length - 1 && segs.length === 1)) {
      return "an empty path segment";
    }
  }
  return undefined;
}

function splitHostPort(s: string): { host: string; port: string } | undefined {
  const i = s.lastIndexOf(":");
  if (i <= 0) return undefined;
  const host = s.slice(0, i).toLowerCase();
  const port = s.slice(i + 1);
  if (port !== "*" && !/^\d{1,5}$/.test(port)) return undefined;
  return { host, port };
}

function splitPair(s: string): [string | undefined, string | undefined] {
  const i = s.indexOf(":");
  if (i <= 0 || i === s.length - 1) return [undefined, undefined];
  return [s.slice(0, i), s.slice(i + 1)];
}
