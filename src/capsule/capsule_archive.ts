/**
 * A capsule archive (the bytes of an uncompressed tar) -> its files and
 * folders, or the reason it is refused. Pure: a minimal reader of the
 * POSIX ustar format with the two long-name extensions real tools write
 * (pax `x` headers and GNU `L` records).
 *
 * Invariant: nothing in an accepted archive can land outside the folder it
 * is extracted into. Refused outright: absolute names, `..` segments,
 * backslashes and NUL in names, links of either kind, devices and FIFOs,
 * two entries with the same path (or a file where a folder is needed),
 * bad header checksums, truncated data, and archives beyond the size and
 * count limits. Nothing is skipped silently.
 *
 * @module
 */

/** One file or folder of an archive. */
export type ArchiveEntry =
  | { readonly kind: "dir"; readonly path: string }
  | {
    readonly kind: "file";
    readonly path: string;
    /** Whether any execute bit was set (kept on extraction as 0755). */
    readonly executable: boolean;
    readonly data: Uint8Array;
  };

/** Result of {@link readTarArchive}. */
export type ArchiveRead =
  | { readonly ok: true; readonly entries: readonly ArchiveEntry[] }
  | { readonly ok: false; readonly reason: string };

/** Limits of {@link readTarArchive}. */
export interface ArchiveLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

/** Default limits: 10,000 entries, 128 MiB of file data. */
export const ARCHIVE_LIMITS: ArchiveLimits = { maxEntries: 10_000, maxBytes: 128 * 1024 * 1024 };

const BLOCK = 512;
const decoder = new TextDecoder("utf-8", { fatal: true });

class Refused extends Error {}

/** Read every entry of `tar`. */
export function readTarArchive(
  tar: Uint8Array,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): ArchiveRead {
  try {
    return { ok: true, entries: read(tar, limits) };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, reason: e.message };
    throw e;
  }
}

function read(tar: Uint8Array, limits: ArchiveLimits): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  const kinds = new Map<string, "dir" | "file">();
  let total = 0;
  let offset = 0;
  let longName: string | undefined;
  while (true) {
    if (offset + BLOCK > tar.length) {
      throw new Refused(`truncated archive: header at byte ${offset} runs past the end`);
    }
    const at = offset;
    const h = tar.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break; // end-of-archive marker
    checkChecksum(h, offset);
    const type = String.fromCharCode(h[156]!);
    const size = octal(h.subarray(124, 136), "size", offset);
    const dataStart = offset + BLOCK;
    if (dataStart + size > tar.length) {
      throw new Refused(`truncated archive: entry at byte ${offset} needs ${size} bytes of data`);
    }
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    const headerName = fullName(h, at);
    switch (type) {
      case "x": // pax extended header for the next entry
        longName = paxPath(data) ?? longName;
        continue;
      case "g": // pax global header: nothing in it changes where files go
        continue;
      case "L": // GNU long name for the next entry
        longName = text(data, "long name").replace(/\0+$/, "");
        continue;
      case "0":
      case "\0":
      case "5": {
        const name = longName ?? headerName;
        longName = undefined;
        const path = safePath(name);
        if (path === "") continue; // "./" itself
        if (entries.length >= limits.maxEntries) {
          throw new Refused(`more than ${limits.maxEntries} entries`);
        }
        const kind = type === "5" ? "dir" : "file";
        claim(kinds, path, kind);
        if (kind === "dir") {
          entries.push({ kind, path });
        } else {
          total += size;
          if (total > limits.maxBytes) {
            throw new Refused(`more than ${limits.maxBytes} bytes of file data`);
          }
          const mode = octal(h.subarray(100, 108), "mode", at);
          entries.push({ kind, path, executable: (mode & 0o111) !== 0, data: data.slice() });
        }
        continue;
      }
      case "1":
      case "2":
        throw new Refused(
          `"${longName ?? headerName}" is a ${
            type === "1" ? "hard" : "symbolic"
          } link; capsule archives may not contain links`,
        );
      default:
        throw new Refused(
          `"${longName ?? headerName}" has entry type "${
            type.replace(/[^\x20-\x7e]/g, "?")
          }"; only files and folders are accepted`,
        );
    }
  }
  return entries;
}

/** Validate and normalise an entry name; "" for the archive's root folder. */
function safePath(name: string): string {
  if (name.includes("\0")) throw new Refused(`entry name contains a NUL byte`);
  if (name.includes("\\")) throw new Refused(`"${name}" contains a backslash`);
  if (name.startsWith("/")) throw new Refused(`"${name}" is an absolute path`);
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new Refused(`"${name}" climbs out with ".."`);
  if (hasControl(name)) {
    throw new Refused(`"${printable(name)}" contains control characters`);
  }
  return parts.join("/");
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function printable(s: string): string {
  return [...s].map((ch) => hasControl(ch) ? "?" : ch).join("");
}

/** Record `path` as `kind`; every parent becomes a folder. Conflicts are refused. */
function claim(kinds: Map<string, "dir" | "file">, path: string, kind: "dir" | "file"): void {
  const parts = path.split("/");
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join("/");
    if (kinds.get(parent) === "file") {
      throw new Refused(`"${path}" is inside "${parent}", which is a file`);
    }
    kinds.set(parent, "dir");
  }
  const before = kinds.get(path);
  if (before === "file" || (before === "dir" && kind === "file")) {
    throw new Refused(`"${path}" appears twice in the archive`);
  }
  kinds.set(path, kind);
}

function fullName(h: Uint8Array, at: number): string {
  const name = cString(h.subarray(0, 100), at);
  const magic = String.fromCharCode(...h.subarray(257, 262));
  if (magic !== "ustar") return name;
  const prefix = cString(h.subarray(345, 500), at);
  return prefix === "" ? name : `${prefix}/${name}`;
}

function cString(bytes: Uint8Array, at: number): string {
  const end = bytes.indexOf(0);
  return text(end < 0 ? bytes : bytes.subarray(0, end), `header at byte ${at}`);
}

function text(bytes: Uint8Array, what: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new Refused(`${what} is not valid UTF-8`);
  }
}

function octal(field: Uint8Array, what: string, at: number): number {
  if ((field[0]! & 0x80) !== 0) {
    throw new Refused(`header at byte ${at}: base-256 ${what} is not supported`);
  }
  const s = String.fromCharCode(...field).replace(/[\0 ]+$/, "").replace(/^ +/, "");
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) throw new Refused(`header at byte ${at}: ${what} "${s}" is not octal`);
  const n = parseInt(s, 8);
  if (!Number.isSafeInteger(n)) throw new Refused(`header at byte ${at}: ${what} is too large`);
  return n;
}

function checkChecksum(h: Uint8Array, at: number): void {
  const stored = octal(h.subarray(148, 156), "checksum", at);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  if (sum !== stored) {
    throw new Refused(`header at byte ${at}: checksum mismatch (corrupt archive)`);
  }
}

/** The `path` record of a pax header (`<len> <key>=<value>\n`, `len` in bytes). */
function paxPath(data: Uint8Array): string | undefined {
  let path: string | undefined;
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const len = space < 0 ? NaN : Number(String.fromCharCode(...data.subarray(i, space)));
    if (!Number.isInteger(len) || len <= space - i || i + len > data.length) {
      throw new Refused("malformed pax header");
    }
    const record = text(data.subarray(space + 1, i + len - 1), "pax header");
    const eq = record.indexOf("=");
    const key = eq < 0 ? record : record.slice(0, eq);
    if (key === "path") path = record.slice(eq + 1);
    if (key === "linkpath") throw new Refused("pax header names a link; links are not accepted");
    i += len;
  }
  return path;
}
