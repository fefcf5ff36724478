/**
 * Language interpreters and the code they are given: `python -c`, `node -e`,
 * `perl -e`, `ruby -e`, `php -r`, `osascript -e`, `deno eval`, awk programs
 * that call `system()` or pipe, sed scripts with the `e` command, and any
 * interpreter reading its program from standard input. That is inline
 * evaluation: the policy always asks and never remembers it.
 *
 * @module
 */

import type { Effects } from "./effects.ts";
import { networkProgram } from "./network_programs.ts";
import { parseUrl } from "./parse_endpoint.ts";
import { hasOption, optionValues, scanOptions } from "./scan_options.ts";
import { type Arg, exact } from "./word_value.ts";

/** Is `exe` a language interpreter we know? */
export function isInterpreter(exe: string): boolean {
  return family(exe) !== null;
}

type Family =
  | "python"
  | "node"
  | "deno"
  | "bun"
  | "perl"
  | "ruby"
  | "php"
  | "osascript"
  | "lua"
  | "r"
  | "julia"
  | "pwsh"
  | "awk"
  | "sed"
  | "gdb"
  | "expect";

function family(exe: string): Family | null {
  if (/^(python|pypy)[0-9.]*$/.test(exe)) return "python";
  if (exe === "node" || exe === "nodejs") return "node";
  if (exe === "deno") return "deno";
  if (exe === "bun") return "bun";
  if (/^perl[0-9.]*$/.test(exe)) return "perl";
  if (/^ruby[0-9.]*$/.test(exe)) return "ruby";
  if (/^php[0-9.]*$/.test(exe)) return "php";
  if (exe === "osascript") return "osascript";
  if (/^(lua|luajit)[0-9.]*$/.test(exe)) return "lua";
  if (exe === "Rscript" || exe === "R") return "r";
  if (exe === "julia") return "julia";
  if (exe === "pwsh" || exe === "powershell") return "pwsh";
  if (/^(awk|gawk|mawk|nawk)$/.test(exe)) return "awk";
  if (exe === "sed" || exe === "gsed") return "sed";
  if (exe === "gdb") return "gdb";
  if (exe === "expect") return "expect";
  return null;
}

/**
 * Report what interpreter `exe` runs: inline code, a script file (read), the
 * files a one-liner reads or edits. `false` when `exe` is not an interpreter.
 */
export function interpreter(exe: string, args: readonly Arg[], fx: Effects): boolean {
  switch (family(exe)) {
    case null:
      return false;
    case "python":
      return python(args, fx);
    case "node":
    case "bun":
      return node(args, fx);
    case "deno":
      return deno(args, fx);
    case "perl":
      return perlLike(args, fx, "CDFiImMVx", "0l");
    case "ruby":
      return perlLike(args, fx, "CEFIiKrWx", "0");
    case "php":
      return generic(args, fx, {
        code: ["-r", "-R", "-B", "-E"],
        values: ["-c", "-d", "-z", "-t"],
        script: ["-f"],
        interactive: ["-a"],
        info: ["-v", "-h", "-m", "-i", "--version", "--help"],
      });
    case "osascript":
      return generic(args, fx, { code: ["-e"], values: ["-l", "-s"], info: [] });
    case "lua":
      return generic(args, fx, { code: ["-e"], values: ["-l"], info: ["-v"] });
    case "r":
      return generic(args, fx, {
        code: ["-e"],
        script: ["-f"],
        info: ["--version", "--help"],
        stdinRead: exe === "R",
      });
    case "julia":
      return generic(args, fx, {
        code: ["-e", "--eval", "-E", "--print"],
        values: ["-C", "-J", "-L", "-p", "-t"],
        info: ["-v", "--version", "-h", "--help"],
      });
    case "pwsh":
      return pwsh(args, fx);
    case "awk":
      return awk(args, fx);
    case "sed":
      return sed(args, fx);
    case "gdb":
      if (
        args.some((a) => /^--?(ex|eval-command|x|command|iex|init-eval-command)/.test(a.text ?? ""))
      ) {
        fx.inline();
      }
      return false;
    case "expect":
      return generic(args, fx, { code: ["-c"], script: ["-f"], info: ["-v"] });
  }
}

interface GenericSpec {
  /** Options whose value is code. */
  readonly code: readonly string[];
  /** Other options with a value. */
  readonly values?: readonly string[];
  /** Options whose value is the script file. */
  readonly script?: readonly string[];
  /** Options that start an interactive session (reads input as code). */
  readonly interactive?: readonly string[];
  /** Options that only print information. */
  readonly info: readonly string[];
  /** Without a script, the program reads its code from input. */
  readonly stdinRead?: boolean;
}

function generic(args: readonly Arg[], fx: Effects, spec: GenericSpec): boolean {
  let code = false;
  let script = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const t = a.text;
    if (t === null) {
      if (!code && !script) programFile(a, fx);
      script = true;
      break;
    }
    const name = t.includes("=") && t.startsWith("--") ? t.slice(0, t.indexOf("=")) : t;
    if (spec.code.some((c) => name === c || (c.length === 2 && t.startsWith(c) && t.length > 2))) {
      code = true;
      if (spec.code.includes(t)) i++; // the code is the next word
      continue;
    }
    if (spec.script?.includes(t)) {
      if (args[i + 1]) programFile(args[i + 1]!, fx);
      script = true;
      i++;
      continue;
    }
    if (spec.interactive?.includes(t)) {
      code = true;
      continue;
    }
    if (spec.info.includes(t)) return true;
    if (spec.values?.includes(t)) {
      i++;
      continue;
    }
    if (t === "-") {
      code = true; // program from standard input
      break;
    }
    if (t.startsWith("-")) continue;
    if (code) fx.path("read", a);
    else {
      programFile(a, fx); // the script
      script = true;
      break;
    }
  }
  if (code || (!script && spec.stdinRead !== false)) fx.inline();
  return true;
}

function python(args: readonly Arg[], fx: Effects): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const t = a.text;
    if (t === null || t === "-" || !t.startsWith("-")) {
      if (t === "-") fx.inline();
      else programFile(a, fx); // the script
      return true;
    }
    if (t === "--version" || t === "--help" || t === "-V" || t === "-h" || t === "--help-all") {
      return true;
    }
    if (t.startsWith("--")) {
      if (t === "--check-hash-based-pycs") i++;
      continue;
    }
    for (let j = 1; j < t.length; j++) {
      const letter = t[j]!;
      if (letter === "c") {
        fx.inline();
        return true;
      }
      if (letter === "m") {
        const mod = t.length > j + 1 ? t.slice(j + 1) : exact(args[i + 1]);
        const rest = args.slice(t.length > j + 1 ? i + 1 : i + 2);
        if (mod === "pip") networkProgram("pip", rest, fx);
        if (mod === null) fx.dynamic("python -m");
        return true;
      }
      if (letter === "W" || letter === "X" || letter === "Q") {
        if (j === t.length - 1) i++;
        break;
      }
    }
  }
  fx.inline(); // no script: the program comes from standard input
  return true;
}

function node(args: readonly Arg[], fx: Effects): boolean {
  const valueOptions = new Set([
    "-r",
    "--require",
    "--import",
    "--loader",
    "--experimental-loader",
    "-C",
    "--conditions",
    "--input-type",
    "--title",
    "--env-file",
    "--inspect-port",
    "--stack-size",
    "--max-old-space-size",
  ]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const t = a.text;
    if (t === "--") {
      const script = args[i + 1];
      if (script !== undefined) programFile(script, fx);
      else fx.inline();
      return true;
    }
    if (t === null || t === "-" || !t.startsWith("-")) {
      if (t === "-") fx.inline();
      else programFile(a, fx);
      return true;
    }
    if (/^(-v|--version|-h|--help|--v8-options)$/.test(t)) return true;
    if (/^(-e|--eval|-p|--print|-pe|-ep)(=|$)/.test(t)) {
      fx.inline();
      return true;
    }
    if (t === "--env-file" || t.startsWith("--env-file=")) {
      const v = t.includes("=") ? { ...a, text: t.slice(11), prefix: t.slice(11) } : args[i + 1];
      if (v !== undefined) fx.path("read", v);
    }
    if (valueOptions.has(t)) i++;
  }
  fx.inline();
  return true;
}

function deno(args: readonly Arg[], fx: Effects): boolean {
  const sub = exact(args[0]);
  if (sub === "eval" || sub === "repl") {
    fx.inline();
    return true;
  }
  if (sub === "run" || sub === "serve") {
    const file = args.slice(1).find((a) => a.text === null || !a.text.startsWith("-"));
    if (file === undefined || file.text === "-") fx.inline();
    else {
      const remote = file.text === null ? null : parseUrl(file.text);
      if (remote !== null && remote.scheme !== "file") {
        fx.network(remote.host, remote.port, file.text!);
      } else programFile(file, fx);
    }
    return true;
  }
  return false;
}

/**
 * `perl`/`ruby` option bundles (`-lane`, `-pi.bak -e`): `attachedValues` take
 * the rest of the bundle as their value, `digitValues` only the digits after them.
 */
function perlLike(
  args: readonly Arg[],
  fx: Effects,
  attachedValues: string,
  digitValues: string,
): boolean {
  let code = false;
  let inPlace = false;
  let i = 0;
  for (; i < args.length; i++) {
    const t = args[i]!.text;
    if (t === null || !t.startsWith("-") || t === "-") break;
    if (t === "--") {
      i++;
      break;
    }
    if (t === "-v" || t === "-V" || t === "-h" || t === "--version" || t === "--help") return true;
    for (let j = 1; j < t.length; j++) {
      const letter = t[j]!;
      if (letter === "e" || letter === "E") {
        code = true;
        if (j === t.length - 1) i++; // code in the next word
        break;
      }
      if (letter === "i") inPlace = true;
      if (digitValues.includes(letter)) {
        while (/[0-9]/.test(t[j + 1] ?? "")) j++;
        continue;
      }
      if (attachedValues.includes(letter)) {
        if (j === t.length - 1 && "IrCE".includes(letter) && letter !== "i") i++;
        break;
      }
    }
  }
  const rest = args.slice(i);
  if (code) {
    fx.inline();
    for (const a of rest) fx.path(inPlace ? "write" : "read", a);
    return true;
  }
  const script = rest[0];
  if (script === undefined || script.text === "-") {
    fx.inline();
    return true;
  }
  programFile(script, fx);
  for (const a of rest.slice(1)) fx.path(inPlace ? "write" : "read", a);
  return true;
}

function pwsh(args: readonly Arg[], fx: Effects): boolean {
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text?.toLowerCase() ?? null;
    if (t === null) continue;
    if (/^-(c|command|e|ec|encodedcommand|commandwithargs|cwa)$/.test(t)) {
      fx.inline();
      return true;
    }
    if (/^-(f|file)$/.test(t)) {
      if (args[i + 1]) programFile(args[i + 1]!, fx);
      return true;
    }
    if (/^-(v|version|h|help|\?)$/.test(t)) return true;
    if (!t.startsWith("-")) {
      programFile(args[i]!, fx);
      return true;
    }
  }
  fx.inline();
  return true;
}

/** awk programs that run commands (`system()`, pipes, `getline` from a command). */
const AWK_RUNS = /\bsystem\s*\(|\||\|&/;
/** awk output redirected to a file: `print > "f"`. */
const AWK_WRITES = /\b(print|printf)\b[^;{}]*>/;

function awk(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    flags: "bcCdDgMnNOpPrsStVYz",
    values: "fvFeEilLoW",
    longValues: [
      "file",
      "assign",
      "field-separator",
      "source",
      "exec",
      "include",
      "load",
      "lint",
      "dump-variables",
      "profile",
      "pretty-print",
    ],
    permute: false,
  });
  const programFiles = optionValues(s, "-f", "--file", "-E", "--exec");
  for (const f of programFiles) programFile(f, fx);
  if (hasOption(s, "-i", "--include", "-l", "--load")) fx.inline(); // loads code or shared objects
  const sources = optionValues(s, "-e", "--source");
  const ops = [...s.operands];
  if (programFiles.length === 0 && sources.length === 0) {
    const program = ops.shift();
    if (program !== undefined) sources.push(program);
  }
  for (const p of sources) {
    if (p.text === null || AWK_RUNS.test(p.text)) fx.inline();
    if (p.text !== null && AWK_WRITES.test(p.text)) fx.unknownPaths();
  }
  for (const a of ops) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a.prefix)) continue; // a variable assignment
    fx.path("read", a);
  }
  return true;
}

/** GNU sed's `e` command or `s///e` flag runs the pattern space as a command. */
const SED_EXEC = new RegExp(
  String.raw`(^|[;\n{}])\s*(\d+|\$|/[^/]*/)?(\s*,\s*(\d+|\$|/[^/]*/))?\s*!?\s*e(\s|;|}|$)` +
    String.raw`|[/|#:,@!_%][gpiImM0-9w]*e[gpiImMw0-9]*\s*($|[;\n}])`,
);
/** `w FILE`, `r FILE` and friends read or write files named in the script. */
const SED_FILES = /(^|[;\n{}]|[/|#:,@!_%][gpiImMe0-9]*)\s*[wWrR]\s+\S/;

function sed(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    flags: "nrEsuzb",
    values: "efl",
    optional: "i",
    longFlags: [
      "quiet",
      "silent",
      "regexp-extended",
      "separate",
      "unbuffered",
      "null-data",
      "posix",
      "debug",
      "sandbox",
      "follow-symlinks",
      "in-place",
      "help",
      "version",
    ],
    longValues: ["expression", "file", "line-length"],
    permute: true,
  });
  const scripts = optionValues(s, "-e", "--expression");
  const files = optionValues(s, "-f", "--file");
  for (const f of files) {
    fx.path("read", f);
    if (!hasOption(s, "--sandbox")) fx.unknownPaths();
  }
  const ops = [...s.operands];
  if (scripts.length === 0 && files.length === 0) {
    const script = ops.shift();
    if (script !== undefined) scripts.push(script);
  }
  if (!hasOption(s, "--sandbox")) {
    for (const script of scripts) {
      if (script.text === null || SED_EXEC.test(script.text)) fx.inline();
      if (script.text !== null && SED_FILES.test(script.text)) fx.unknownPaths();
    }
  }
  const inPlace = hasOption(s, "-i", "--in-place");
  for (const a of ops) fx.path(inPlace ? "write" : "read", a);
  return true;
}

/** A program file: read like any file, or inline code when it is really a pipe (`<(curl ...)`). */
function programFile(file: Arg, fx: Effects): void {
  if (file.source.startsWith("<(") || /^\/dev\/(stdin|fd\/\d+)$/.test(file.text ?? "")) fx.inline();
  else fx.path("read", file);
}
