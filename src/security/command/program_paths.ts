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

import type { Effects } from "./effects.ts";
import { EDITORS, NO_PATHS, type PathSpec, SPECS } from "./file_operand_specs.ts";
import { hasOption, optionValues, scanOptions } from "./scan_options.ts";
import { type Arg, exact, literalArg } from "./word_value.ts";

export { NO_PATHS, operandsAreFiles } from "./file_operand_specs.ts";

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
    // Bash expands `~` after `=` in words shaped like assignments (`of=~/x`).
    const text = a.text?.slice(3) ?? null;
    const value = {
      ...a,
      text,
      prefix: a.prefix.slice(3),
      tilde: a.prefix.slice(3).startsWith("~"),
    };
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
