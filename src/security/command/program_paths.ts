/**
 * Which arguments of well-known programs are files, and whether each is read,
 * written or deleted: `cat F` reads F, `cp A B` reads A and writes B, `rm F`
 * deletes F, `sed -i S F` writes F, `dd of=F` writes F.
 *
 * Invariant: when an option of a writing program is not understood, every
 * operand is reported as written (the stricter check), so an unknown option
 * that takes a value cannot move the destination out of sight.
 *
 * @module
 */

import type { PathKind } from "./analysis_state.ts";
import type { Effects } from "./effects.ts";
import { hasOption, type OptionSpec, optionValues, scanOptions } from "./scan_options.ts";
import { type Arg, exact, literalArg } from "./word_value.ts";

type OperandRule =
  | "read"
  | "write"
  | "delete"
  | "copy" // sources read, last operand written
  | "move" // sources deleted, last operand written
  | "link" // targets read, last operand (the link) written
  | "mode" // first operand is a mode/owner, the rest written
  | "in-out" // first read, second written
  | "archive"; // first written, the rest read

interface PathSpec {
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

const SPECS: Readonly<Record<string, PathSpec>> = {
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

const EDITORS = new Set([
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
export function programPaths(exe: string, args: readonly Arg[], fx: Effects): boolean {
  if (NO_PATHS.has(exe)) return true;
  if (EDITORS.has(exe)) return editor(args, fx);
  switch (exe) {
    case "grep":
    case "egrep":
    case "fgrep":
    case "zgrep":
    case "rg":
    case "ag":
    case "ack":
      return grep(exe, args, fx);
    case "jq":
    case "yq":
    case "gojq":
      return jq(args, fx);
    case "dd":
      return dd(args, fx);
    case "tar":
    case "bsdtar":
      return tar(args, fx);
    case "chmod":
    case "chown":
    case "chgrp":
    case "chattr":
    case "setfacl":
      return modeThenFiles(exe, args, fx);
    case "find":
      return find(args, fx);
    case "patch":
      return patch(args, fx);
  }
  const spec = Object.hasOwn(SPECS, exe) ? SPECS[exe] : undefined;
  if (spec === undefined) return false;
  applySpec(spec, args, fx);
  return true;
}

function applySpec(spec: PathSpec, args: readonly Arg[], fx: Effects): void {
  const s = scanOptions(args, { ...spec.opts, permute: true });
  for (const o of s.options) {
    const kind = spec.optionPaths?.[o.name];
    if (kind !== undefined && o.value !== null) fx.path(kind, o.value);
  }
  const ops = s.operands;
  if (ops.length === 0) {
    if (spec.none !== undefined) fx.path(spec.none, literalArg("."));
    return;
  }
  const writer = spec.operands !== "read";
  if (s.unknown !== null && writer) {
    // Unknown option: an operand may really be its value. Check everything strictly.
    for (const a of ops) {
      fx.path(spec.operands === "delete" || spec.operands === "move" ? "delete" : "write", a);
    }
    if (spec.operands === "move") { for (const a of ops) fx.path("write", a); }
    return;
  }
  const target = optionValues(s, "-t", "--target-directory")[0];
  switch (spec.operands) {
    case "read":
      for (const a of ops) fx.path("read", a);
      return;
    case "write":
      for (const a of ops) fx.path("write", a);
      return;
    case "delete":
      for (const a of ops) fx.path("delete", a);
      return;
    case "copy":
    case "link":
    case "move": {
      const source = spec.operands === "move" ? "delete" : "read";
      if (target !== undefined) {
        for (const a of ops) fx.path(source, a);
        fx.path("write", target);
        return;
      }
      if (hasOption(s, "-d") && spec.opts.values?.includes("m")) {
        for (const a of ops) fx.path("write", a); // install -d DIR...
        return;
      }
      if (ops.length === 1) {
        // `ln -s /x` creates `./x`; `cp a` fails: check the operand and the implied name.
        fx.path(source, ops[0]!);
        const name = exact(ops[0])?.split("/").filter(Boolean).pop();
        if (spec.operands === "link" && name !== undefined) fx.path("write", literalArg(name));
        return;
      }
      for (const a of ops.slice(0, -1)) fx.path(source, a);
      fx.path("write", ops[ops.length - 1]!);
      return;
    }
    case "mode":
      for (const a of ops.slice(1)) fx.path("write", a);
      return;
    case "in-out":
      if (ops[0] !== undefined) fx.path("read", ops[0]);
      for (const a of ops.slice(1)) fx.path("write", a);
      return;
    case "archive":
      fx.path("write", ops[0]!);
      for (const a of ops.slice(1)) fx.path("read", a);
      return;
  }
}

function grep(exe: string, args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    flags: "abcEFGHhIiLlnoPqRrsTUuVvwxyZz",
    values: exe === "rg" ? "ABCeEfgjmMtTr" : "ABCDdefmX",
    longValues: [
      "regexp",
      "file",
      "context",
      "after-context",
      "before-context",
      "max-count",
      "include",
      "exclude",
      "exclude-from",
      "exclude-dir",
      "label",
      "binary-files",
      "devices",
      "directories",
      "group-separator",
      "glob",
      "iglob",
      "type",
      "type-not",
      "max-depth",
      "replace",
      "pre",
      "pre-glob",
      "ignore-file",
      "encoding",
      "sort",
      "sortr",
      "threads",
      "max-filesize",
      "path-separator",
      "colors",
    ],
    permute: true,
  });
  for (const f of optionValues(s, "-f", "--file", "--exclude-from", "--ignore-file")) {
    fx.path("read", f);
  }
  if (optionValues(s, "--pre").length > 0) fx.inline(); // rg --pre runs a program on every file
  const patternGiven = hasOption(s, "-e", "--regexp", "-f", "--file");
  const files = patternGiven ? s.operands : s.operands.slice(1);
  const recursive = exe === "rg" || exe === "ag" || exe === "ack" ||
    hasOption(s, "-r", "-R", "--recursive", "--dereference-recursive");
  if (files.length === 0 && recursive) fx.path("read", literalArg("."));
  for (const a of files) fx.path("read", a);
  return true;
}

function jq(args: readonly Arg[], fx: Effects): boolean {
  let filterSeen = false;
  let positional = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const t = a.text;
    if (positional) continue; // after --args / --jsonargs: strings, not files
    if (t === "--args" || t === "--jsonargs") {
      positional = true;
      continue;
    }
    if (t === "--arg" || t === "--argjson") {
      i += 2;
      continue;
    }
    if (t === "--slurpfile" || t === "--rawfile") {
      if (args[i + 2]) fx.path("read", args[i + 2]!);
      i += 2;
      continue;
    }
    if (t === "-f" || t === "--from-file") {
      if (args[i + 1]) fx.path("read", args[i + 1]!);
      filterSeen = true;
      i++;
      continue;
    }
    if (t === "--indent" || t === "-L") {
      i++;
      continue;
    }
    if (t !== null && t.startsWith("-") && t !== "-") continue;
    if (!filterSeen) {
      filterSeen = true;
      continue;
    }
    fx.path("read", a);
  }
  return true;
}

function dd(args: readonly Arg[], fx: Effects): boolean {
  for (const a of args) {
    const m = /^(if|of)=/.exec(a.prefix);
    if (m === null) continue;
    const value = { ...a, text: a.text?.slice(3) ?? null, prefix: a.prefix.slice(3) };
    fx.path(m[1] === "if" ? "read" : "write", value);
  }
  return true;
}

/** `chmod MODE FILE...`: modes may start with `-` (`chmod -x f`), so options are listed exactly. */
function modeThenFiles(exe: string, args: readonly Arg[], fx: Effects): boolean {
  const options = new Set([
    "-c",
    "-f",
    "-v",
    "-R",
    "-h",
    "-H",
    "-L",
    "-P",
    "--changes",
    "--silent",
    "--quiet",
    "--verbose",
    "--recursive",
    "--dereference",
    "--no-dereference",
    "--preserve-root",
    "--no-preserve-root",
  ]);
  const ops: Arg[] = [];
  let reference = false;
  let afterDashes = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const t = a.text;
    if (!afterDashes && t === "--") {
      afterDashes = true;
      continue;
    }
    if (!afterDashes && t !== null && options.has(t)) continue;
    if (!afterDashes && t !== null && t.startsWith("--reference=")) {
      reference = true;
      fx.path("read", { ...a, text: t.slice(12), prefix: t.slice(12) });
      continue;
    }
    if (!afterDashes && (exe === "setfacl") && t !== null && /^-[mMxXbkndR]+$/.test(t)) {
      if (/[mMxX]$/.test(t)) i++; // the ACL spec or file
      continue;
    }
    ops.push(a);
  }
  for (const a of reference ? ops : ops.slice(1)) fx.path("write", a);
  return true;
}

function tar(args: readonly Arg[], fx: Effects): boolean {
  // Old style: `tar xzf file.tgz` (first word is a bundle of letters without a dash).
  const list = [...args];
  const first = exact(list[0]);
  if (first !== null && /^[A-Za-z]+$/.test(first)) list[0] = literalArg(`-${first}`);
  const s = scanOptions(list, {
    flags: "AcdrtuxzjJaZvkmOpPSBGhiWlMnUs",
    values: "fCbgHIKLNTVX",
    longValues: [
      "file",
      "directory",
      "blocking-factor",
      "listed-incremental",
      "format",
      "use-compress-program",
      "starting-file",
      "tape-length",
      "newer",
      "files-from",
      "label",
      "exclude-from",
      "exclude",
      "to-command",
      "info-script",
      "new-volume-script",
      "rsh-command",
      "checkpoint-action",
      "owner",
      "group",
      "mode",
      "mtime",
      "transform",
      "xform",
      "strip-components",
      "suffix",
      "backup",
      "index-file",
      "volno-file",
    ],
    permute: true,
  });
  // Options that make tar run a program: inline code.
  if (
    hasOption(
      s,
      "-I",
      "--use-compress-program",
      "--to-command",
      "--info-script",
      "--new-volume-script",
      "--rsh-command",
      "-F",
    ) ||
    s.options.some((o) => o.name === "--checkpoint-action" && /exec/.test(o.value?.text ?? "exec"))
  ) fx.inline();
  const create = hasOption(s, "-c", "-r", "-u", "-A", "--create", "--append", "--update");
  const extract = hasOption(s, "-x", "--extract", "--get");
  for (const f of optionValues(s, "-f", "--file")) fx.path(create ? "write" : "read", f);
  for (const f of optionValues(s, "-T", "--files-from", "-X", "--exclude-from")) fx.path("read", f);
  if (extract) {
    const dirs = optionValues(s, "-C", "--directory");
    fx.path("write", dirs[dirs.length - 1] ?? literalArg("."));
    fx.unknownPaths(); // member names come from the archive
    return true;
  }
  for (const a of s.operands) fx.path("read", a);
  return true;
}

function find(args: readonly Arg[], fx: Effects): boolean {
  let i = 0;
  while (i < args.length && /^-[HLP]$|^-D$|^-O\d*$/.test(args[i]!.text ?? "")) {
    if (args[i]!.text === "-D") i++;
    i++;
  }
  const roots: Arg[] = [];
  while (i < args.length) {
    const t = args[i]!.text;
    if (t !== null && (t.startsWith("-") || t === "(" || t === "!" || t === ")")) break;
    roots.push(args[i]!);
    i++;
  }
  if (roots.length === 0) roots.push(literalArg("."));
  let deletes = false;
  for (; i < args.length; i++) {
    const t = args[i]!.text;
    if (t === "-delete") deletes = true;
    else if (t === "-fprint" || t === "-fprint0" || t === "-fls" || t === "-fprintf") {
      if (args[i + 1]) fx.path("write", args[i + 1]!);
    } else if (t === "-newer" || t === "-anewer" || t === "-cnewer" || t === "-samefile") {
      if (args[i + 1]) fx.path("read", args[i + 1]!);
    } else if (t === "-files0-from") {
      if (args[i + 1]) fx.path("read", args[i + 1]!);
      fx.unknownPaths();
    } else if (t === "-exec" || t === "-execdir" || t === "-ok" || t === "-okdir") {
      const start = i + 1;
      let end = start;
      while (end < args.length && args[end]!.text !== ";" && args[end]!.text !== "+") end++;
      const argv = args.slice(start, end);
      if (argv[0]?.text == null || argv[0].text.includes("{}")) {
        fx.dynamic(`find ${t}`); // the program is a file found at run time
        i = end;
        continue;
      }
      // `{}` stands for each file found under the roots; inside a longer word
      // (`sh -c 'echo {}'`) it is a file name we cannot know, maybe `$(cmd)`.
      for (const root of roots) {
        const words = argv.map((a): Arg => {
          if (a.text === "{}") return root;
          if (a.text === null || !a.text.includes("{}")) return a;
          const prefix = a.text.slice(0, a.text.indexOf("{}"));
          return { text: null, prefix, pattern: false, tilde: false, source: a.source };
        });
        fx.runArgv(words, `find ${t}`);
      }
      i = end;
    }
  }
  for (const r of roots) fx.path(deletes ? "delete" : "read", r);
  return true;
}

function patch(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    flags: "bcCeEfgsnNRtTuZl",
    values: "BDdFgioprVYz",
    longValues: ["input", "output", "directory", "reject-file", "strip", "backup-if-mismatch"],
    permute: true,
  });
  for (const f of optionValues(s, "-i", "--input")) fx.path("read", f);
  for (const f of optionValues(s, "-o", "--output", "-r", "--reject-file")) fx.path("write", f);
  if (s.operands[0] !== undefined) fx.path("write", s.operands[0]);
  if (s.operands[1] !== undefined) fx.path("read", s.operands[1]);
  if (s.operands.length === 0) {
    const dir = optionValues(s, "-d", "--directory")[0];
    fx.path("write", dir ?? literalArg("."));
    fx.unknownPaths(); // the files named in the patch
  }
  return true;
}

function editor(args: readonly Arg[], fx: Effects): boolean {
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text;
    if (t === "-c" || t === "--cmd" || t === "-S" || t === "--eval" || t === "-e") {
      fx.inline(); // editor commands can run shell commands
      i++;
      continue;
    }
    if (t !== null && t.startsWith("+")) {
      if (t.length > 1 && !/^\+\d+$/.test(t)) fx.inline();
      continue;
    }
    if (t !== null && t.startsWith("-")) continue;
    fx.path("write", args[i]!);
  }
  return true;
}

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
