/**
 * The table of well-known programs whose arguments are files: which options
 * take values, and whether operands are read, written, deleted, copied or
 * moved. Used by `programPaths()` and by the session-allowance shape.
 *
 * @module
 */

import type { PathKind } from "./analysis_state.ts";
import type { OptionSpec } from "./scan_options.ts";

export type OperandRule =
  | "read"
  | "write"
  | "delete"
  | "copy" // sources read, last operand written
  | "move" // sources deleted, last operand written
  | "link" // targets read, last operand (the link) written
  | "mode" // first operand is a mode/owner, the rest written
  | "in-out" // first read, second written
  | "archive"; // first written, the rest read

export interface PathSpec {
  readonly opts: OptionSpec;
  readonly operands: OperandRule;
  /** What the program does to the working folder when given no operand. */
  readonly none?: PathKind;
  /** Options whose value is a path. */
  readonly optionPaths?: Readonly<Record<string, PathKind>>;
}

const READ_ONLY = (opts: OptionSpec, extra: Partial<PathSpec> = {}): PathSpec => ({
  opts,
  operands: "read",
  ...extra,
});

const COPY_OPTS: OptionSpec = {
  flags: "abdfHiLlnPpRrsTuvxZ",
  values: "St",
  longFlags: [
    "archive",
    "attributes-only",
    "backup",
    "copy-contents",
    "debug",
    "force",
    "interactive",
    "link",
    "dereference",
    "no-clobber",
    "no-dereference",
    "preserve",
    "no-preserve",
    "parents",
    "recursive",
    "reflink",
    "remove-destination",
    "sparse",
    "strip-trailing-slashes",
    "symbolic-link",
    "no-target-directory",
    "update",
    "verbose",
    "one-file-system",
    "context",
    "exchange",
    "keep-directory-symlink",
    "no-copy",
    "relative",
    "logical",
    "physical",
    "help",
    "version",
  ],
  longValues: ["suffix", "target-directory"],
};

export const SPECS: Readonly<Record<string, PathSpec>> = {
  cat: READ_ONLY({ flags: "AbeEnstTuv" }),
  tac: READ_ONLY({ flags: "br", values: "s" }),
  nl: READ_ONLY({ flags: "p", values: "bdfhilnsvw" }),
  head: READ_ONLY({ flags: "qvz", values: "nc", longValues: ["lines", "bytes"] }),
  tail: READ_ONLY({
    flags: "fFqvz",
    values: "ncs",
    longValues: ["lines", "bytes", "pid", "sleep-interval", "max-unchanged-stats"],
  }),
  less: READ_ONLY({ values: "bhjkoOpPtTxyz#" }, { optionPaths: { "-o": "write", "-O": "write" } }),
  more: READ_ONLY({ values: "n" }),
  most: READ_ONLY({}),
  wc: READ_ONLY({ flags: "clmwL" }, { optionPaths: { "--files0-from": "read" } }),
  sort: READ_ONLY(
    {
      flags: "bcCdfghiMmnrRsuVz",
      values: "kStTo",
      longValues: [
        "key",
        "field-separator",
        "buffer-size",
        "temporary-directory",
        "output",
        "files0-from",
        "parallel",
        "batch-size",
        "random-source",
        "compress-program",
        "sort",
      ],
    },
    { optionPaths: { "-o": "write", "--output": "write", "--files0-from": "read" } },
  ),
  uniq: { opts: { flags: "cdDiuz", values: "fsw" }, operands: "in-out" },
  cut: READ_ONLY({ flags: "nsz", values: "bcdf" }),
  paste: READ_ONLY({ flags: "sz", values: "d" }),
  join: READ_ONLY({ flags: "ivz", values: "aejot12" }),
  comm: READ_ONLY({ flags: "123iz" }),
  diff: READ_ONLY({ values: "CDFILSUWXx" }, {
    optionPaths: { "--from-file": "read", "--to-file": "read" },
  }),
  cmp: READ_ONLY({ flags: "blsv", values: "in" }),
  file: READ_ONLY({ values: "efFmP" }, { optionPaths: { "-m": "read", "-f": "read" } }),
  stat: READ_ONLY({ flags: "LftZ", values: "c", longValues: ["format", "printf"] }),
  ls: READ_ONLY({ values: "ITw" }, { none: "read" }),
  dir: READ_ONLY({ values: "ITw" }, { none: "read" }),
  tree: READ_ONLY({ values: "LPIoH" }, { none: "read", optionPaths: { "-o": "write" } }),
  du: READ_ONLY(
    {
      values: "dBtX",
      longValues: ["max-depth", "block-size", "exclude", "threshold", "time-style"],
    },
    {
      none: "read",
      optionPaths: { "-X": "read", "--exclude-from": "read", "--files0-from": "read" },
    },
  ),
  od: READ_ONLY({ values: "AjNtwS" }),
  xxd: { opts: { values: "cglosn" }, operands: "in-out" },
  hexdump: READ_ONLY({ values: "efns" }, { optionPaths: { "-f": "read" } }),
  strings: READ_ONLY({ values: "nteT" }),
  md5sum: READ_ONLY({}),
  sha1sum: READ_ONLY({}),
  sha224sum: READ_ONLY({}),
  sha256sum: READ_ONLY({}),
  sha384sum: READ_ONLY({}),
  sha512sum: READ_ONLY({}),
  b2sum: READ_ONLY({ values: "l" }),
  cksum: READ_ONLY({ values: "al" }),
  sum: READ_ONLY({}),
  base64: READ_ONLY({ values: "w" }),
  base32: READ_ONLY({ values: "w" }),
  readlink: READ_ONLY({}),
  realpath: READ_ONLY({ longValues: ["relative-to", "relative-base"] }),
  zcat: READ_ONLY({}),
  bzcat: READ_ONLY({}),
  xzcat: READ_ONLY({}),
  zless: READ_ONLY({}),
  column: READ_ONLY({ values: "cstoNOEdHRTW" }),
  fold: READ_ONLY({ values: "w" }),
  fmt: READ_ONLY({ values: "wgdp" }),
  pr: READ_ONLY({}),
  expand: READ_ONLY({ values: "t" }),
  unexpand: READ_ONLY({ values: "t" }),
  rev: READ_ONLY({}),
  iconv: READ_ONLY({ values: "fto" }, { optionPaths: { "-o": "write", "--output": "write" } }),
  lsattr: READ_ONLY({}),
  getfacl: READ_ONLY({}),
  source: READ_ONLY({}),
  ".": READ_ONLY({}),
  cp: { opts: COPY_OPTS, operands: "copy" },
  mv: { opts: COPY_OPTS, operands: "move" },
  ln: { opts: COPY_OPTS, operands: "link" },
  install: {
    opts: {
      flags: "bcCdDpsTvZ",
      values: "gmoStT",
      longValues: ["group", "mode", "owner", "suffix", "target-directory", "strip-program"],
    },
    operands: "copy",
  },
  rm: {
    opts: {
      flags: "dfiIrRv",
      longFlags: [
        "force",
        "interactive",
        "one-file-system",
        "no-preserve-root",
        "preserve-root",
        "recursive",
        "dir",
        "verbose",
      ],
    },
    operands: "delete",
  },
  rmdir: {
    opts: { flags: "pv", longFlags: ["ignore-fail-on-non-empty", "parents"] },
    operands: "delete",
  },
  unlink: { opts: {}, operands: "delete" },
  shred: { opts: { flags: "fuvxz", values: "ns" }, operands: "delete" },
  touch: {
    opts: { flags: "acfhm", values: "dtr", longValues: ["date", "reference", "time"] },
    operands: "write",
    optionPaths: { "-r": "read", "--reference": "read" },
  },
  mkdir: { opts: { flags: "pvZ", values: "m", longValues: ["mode"] }, operands: "write" },
  mkfifo: { opts: { values: "m" }, operands: "write" },
  truncate: {
    opts: { flags: "co", values: "sr", longValues: ["size", "reference"] },
    operands: "write",
    optionPaths: { "-r": "read", "--reference": "read" },
  },
  tee: { opts: { flags: "aip", longFlags: ["append", "output-error"] }, operands: "write" },
  sponge: { opts: { flags: "a" }, operands: "write" },
  split: { opts: { values: "abCdlnt" }, operands: "in-out" },
  sudoedit: { opts: { values: "ghpRrTtUu" }, operands: "write" },
  unzip: {
    opts: { values: "dxP" },
    operands: "read",
    optionPaths: { "-d": "write" },
  },
  zip: { opts: { values: "bnPtx" }, operands: "archive" },
  gzip: { opts: { flags: "cdfhklLnNqrtv123456789", values: "S" }, operands: "write" },
  gunzip: { opts: { flags: "cfhklLnNqrtv", values: "S" }, operands: "write" },
  bzip2: { opts: { flags: "cdfkqstvz123456789" }, operands: "write" },
  bunzip2: { opts: { flags: "cfkqsv" }, operands: "write" },
  xz: { opts: { flags: "cdfhklqtvzeF0123456789", values: "CST" }, operands: "write" },
  unxz: { opts: { flags: "cfkqv" }, operands: "write" },
  zstd: { opts: { flags: "cdfkqrvz0123456789", values: "oD" }, operands: "write" },
};

export const EDITORS = new Set([
  "vi",
  "vim",
  "nvim",
  "view",
  "nano",
  "pico",
  "emacs",
  "ed",
  "ex",
  "code",
  "subl",
  "micro",
  "hx",
  "helix",
  "kak",
  "joe",
  "mcedit",
]);

/** Programs whose arguments are never files they open. */
export const NO_PATHS = new Set([
  "echo",
  "printf",
  "true",
  "false",
  ":",
  "exit",
  "return",
  "shift",
  "set",
  "unset",
  "local",
  "declare",
  "typeset",
  "readonly",
  "export",
  "read",
  "wait",
  "kill",
  "sleep",
  "expr",
  "seq",
  "basename",
  "dirname",
  "which",
  "type",
  "let",
  "break",
  "continue",
  "getopts",
  "umask",
  "ulimit",
  "times",
  "jobs",
  "fg",
  "bg",
  "disown",
  "test",
  "[",
  "whoami",
  "id",
  "hostname",
  "uname",
  "pwd",
  "printenv",
  "yes",
  "nproc",
  "arch",
  "tty",
  "tr",
  "clear",
  "history",
  "help",
  "shopt",
]);

/** Report the file operands of `exe`; `false` when the program is not known here. */
/**
 * Programs whose operands are only files (or a pattern and files) and whose
 * options do not change what they do to which file: the shape of a session
 * allowance may abstract their operands. Not `chmod` (the mode), `tar`
 * (`cf` vs `xf`), `dd`, `find` (expressions), `patch`.
 */
export function operandsAreFiles(exe: string): boolean {
  return (Object.hasOwn(SPECS, exe) && exe !== "source" && exe !== ".") || EDITORS.has(exe) ||
    ["grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack"].includes(exe);
}
