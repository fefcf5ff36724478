/**
 * The path-like values in an MCP tool call's arguments, so the policy sees
 * the files a call would touch and not only "an MCP call". Pure.
 *
 * Why: the classifier turns `mcp:<server>:<tool>` into one `mcp_tool`
 * action that carries the arguments but no paths, so `denied_paths` and the
 * floor (`/etc/**`) would never apply to a filesystem server whose own
 * allowed folder is wider than the workspace. These values become
 * `file_read`/`file_write` actions next to the `mcp_tool` one.
 *
 * A string is taken as a path when
 * - its property name has a path word (`path`, `file`, `dir`, `source`,
 *   `destination`, ... split at camelCase, `_` and `-`: `filePath`,
 *   `source_dir`; not `profile`), or
 * - it starts with `/`, `~` or `file://`, unless its property name is
 *   free text (`content`, `text`, `newText`, `message`, ...).
 *
 * Fail closed: a value that cannot be read exactly (`~`, a `file://` URL that
 * does not decode, arguments nested too deep or too many paths) is a
 * problem, and the caller denies the call. Over-matching (a one-line text
 * that starts with `/` under an unknown key) can only cost a prompt or a
 * denial, never an unchecked access.
 *
 * @module
 */

import type { JsonValue } from "../core/mod.ts";

/** One path-like argument. */
export interface PathArgument {
  /** Where it is, e.g. `paths[1]` or `edits[0].file`. */
  readonly at: string;
  /** The path as a file system path (a `file://` URL decoded). */
  readonly path: string;
}

/** Result of {@link pathArguments}. */
export type PathArguments =
  | { readonly ok: true; readonly paths: readonly PathArgument[] }
  | { readonly ok: false; readonly reason: string };

/** Most path-like values one call may carry. */
export const MAX_PATH_ARGUMENTS = 256;
const MAX_DEPTH = 32;

const PATH_WORDS = new Set([
  "path",
  "paths",
  "pathname",
  "file",
  "files",
  "filename",
  "filenames",
  "filepath",
  "dir",
  "dirs",
  "dirname",
  "directory",
  "directories",
  "folder",
  "folders",
  "root",
  "roots",
  "source",
  "sources",
  "src",
  "destination",
  "dest",
  "dst",
  "target",
  "cwd",
  "location",
  "uri",
]);

const TEXT_WORDS = new Set([
  "content",
  "contents",
  "text",
  "body",
  "message",
  "description",
  "prompt",
  "query",
  "comment",
  "title",
  "summary",
  "data",
]);

/** The path-like values in `args`. */
export function pathArguments(args: JsonValue): PathArguments {
  const out: PathArgument[] = [];
  try {
    walk(args, "", undefined, 0, out);
  } catch (e) {
    if (e instanceof PathProblem) return { ok: false, reason: e.message };
    throw e;
  }
  return { ok: true, paths: out };
}

class PathProblem extends Error {}

function walk(
  v: JsonValue,
  at: string,
  key: string | undefined,
  depth: number,
  out: PathArgument[],
): void {
  if (depth > MAX_DEPTH) throw new PathProblem(`arguments are nested deeper than ${MAX_DEPTH}`);
  if (typeof v === "string") {
    const path = asPath(v, key, at);
    if (path !== undefined) {
      if (out.length >= MAX_PATH_ARGUMENTS) {
        throw new PathProblem(`more than ${MAX_PATH_ARGUMENTS} path-like arguments`);
      }
      out.push({ at, path });
    }
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => walk(x, `${at}[${i}]`, key, depth + 1, out));
    return;
  }
  if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      walk(x, at === "" ? k : `${at}.${k}`, k, depth + 1, out);
    }
  }
}

function asPath(value: string, key: string | undefined, at: string): string | undefined {
  const words = key === undefined ? [] : keyWords(key);
  const pathKey = words.some((w) => PATH_WORDS.has(w));
  const textKey = words.some((w) => TEXT_WORDS.has(w));
  const looksLikePath = /^(\/|~|file:\/\/)/i.test(value);
  if (!pathKey && (textKey || !looksLikePath)) return undefined;
  if (value === "") return undefined;
  // A URL of another scheme under a path-like key (`uri: "https://..."`) is not a file.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !/^file:\/\//i.test(value)) return undefined;
  if (value.includes("\0")) throw new PathProblem(`${at}: path contains a NUL byte`);
  if (value.startsWith("~")) {
    throw new PathProblem(
      `${at}: path "${value}" starts with "~" (a home folder), which is not resolved here; use an absolute path`,
    );
  }
  if (/^file:\/\//i.test(value)) return fileUrlPath(value, at);
  return value;
}

function fileUrlPath(value: string, at: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PathProblem(`${at}: "${value}" is not a valid file:// URL`);
  }
  if (url.host !== "" && url.host !== "localhost") {
    throw new PathProblem(`${at}: "${value}" names another host`);
  }
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    throw new PathProblem(`${at}: "${value}" does not decode to a path`);
  }
}

/** `filePath` -> [file, path]; `source_dir` -> [source, dir]. */
function keyWords(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z0-9]+/).filter((
    w,
  ) => w !== "");
}
