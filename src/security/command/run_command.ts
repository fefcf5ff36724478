/**
 * Resolve one simple command's words to the programs it runs: peel wrappers
 * (`env`, `timeout`, `xargs`, `sudo`, ...), follow shells given a command
 * string (`bash -c`, `eval`, `su -c`), and hand the final program to the
 * interpreter, network and file-operand handlers.
 *
 * @module
 */

import type { Collector, Cwds, RunEnv } from "./analysis_state.ts";
import type { Effects } from "./effects.ts";
import { interpreter } from "./interpreters.ts";
import { networkProgram } from "./network_programs.ts";
import { isUrl, parseUrl } from "./parse_endpoint.ts";
import { programPaths } from "./program_paths.ts";
import { applyAssignment, isSpecialVariable } from "./special_variables.ts";
import { unwrapCommand } from "./unwrap_command.ts";
import { parseShell } from "./parse_shell.ts";
import { type Arg, baseName, exact, literalArg, shown, wordValue } from "./word_value.ts";

/** Most wrappers peeled from one command (`nice nice nice ... sudo`). */
const MAX_WRAPPERS = 64;

const SHELLS = new Set([
  "sh",
  "bash",
  "rbash",
  "zsh",
  "dash",
  "ksh",
  "mksh",
  "ash",
  "yash",
  "posh",
  "fish",
  "tcsh",
  "csh",
]);

/** Builtins a `PATH` change cannot redirect. */
const BUILTINS = new Set([
  "cd",
  "echo",
  "printf",
  "export",
  "unset",
  "set",
  "eval",
  "exec",
  "source",
  ".",
  "test",
  "[",
  "true",
  "false",
  ":",
  "read",
  "local",
  "declare",
  "type",
  "command",
  "builtin",
  "exit",
  "return",
  "pwd",
]);

/** Run the command whose words are `args`; returns the working folders afterwards. */
export function runCommand(col: Collector, args: readonly Arg[], env: RunEnv): Cwds {
  let argv = args;
  let via = env.via;
  let cwd = env.cwd;
  let pathChanged = env.pathChanged || col.pathChanged;
  let extraArgs = false;
  let assigned = env.assigned;
  for (let hops = 0;; hops++) {
    const head = argv[0];
    if (head === undefined) return env.cwd;
    const rest = argv.slice(1);
    const here: RunEnv = { ...env, via, cwd, pathChanged, assigned };
    const name = exact(head);
    if (name === null || hops > MAX_WRAPPERS) {
      col.addDynamic(head.source, rest.map(shown), here);
      defaultPaths(col, rest, here);
      return env.cwd;
    }
    const exe = baseName(name);
    if (pathChanged && !name.includes("/") && !BUILTINS.has(exe)) {
      col.addDynamic(`PATH=... ${name}`, [], here); // the name may now mean any program
    }
    const u = unwrapCommand(exe, rest);
    switch (u.kind) {
      case "opaque":
        col.addCommand(name, exe, rest.map(shown), here);
        col.addDynamic(`${name} ${rest.map(shown).join(" ")}`.trim(), [], {
          ...here,
          via: [...via, exe],
        });
        return env.cwd;
      case "split": {
        const words = splitString(u.text, env.depth);
        if (words === null) {
          col.addCommand(name, exe, rest.map(shown), here);
          col.addDynamic(`${name} -S ${u.text}`, [], { ...here, via: [...via, exe] });
          return env.cwd;
        }
        argv = [head, ...words, ...u.rest];
        continue;
      }
      case "shell": {
        if (u.report) col.addCommand(name, exe, rest.map(shown), here, true);
        shellString(col, u.text, here, exe);
        return env.cwd;
      }
      case "inner": {
        if (u.report) col.addCommand(name, exe, rest.map(shown), here);
        for (const r of u.reads ?? []) col.addPath("read", r, cwd);
        for (const w of u.writes ?? []) col.addPath("write", w, cwd);
        for (const a of u.assignments ?? []) {
          const eq = a.prefix.indexOf("=");
          const value = a.text === null ? null : literalArg(a.text.slice(eq + 1));
          if (applyAssignment(col, a.prefix.slice(0, eq), value, here, "command")) {
            pathChanged = true;
          }
          assigned = [...assigned, a.prefix.slice(0, eq)];
        }
        if (u.chdir !== undefined) cwd = col.changeDir(u.chdir, cwd);
        via = [...via, exe];
        argv = rest.slice(u.start);
        // Words that come from input at run time are unknown: the program
        // name, a `sh -c` string, an `eval` argument may all be among them.
        if (u.extraArgs) {
          extraArgs = true;
          argv = [...argv, unknownArg("<input>")];
        }
        if (u.replace !== undefined) {
          extraArgs = true;
          const r = u.replace;
          argv = argv.map((a) =>
            a.text !== null && a.text.includes(r)
              ? unknownArg(a.source, a.text.slice(0, a.text.indexOf(r)))
              : a
          );
        }
        continue;
      }
      case "none":
        for (const r of u.reads ?? []) col.addPath("read", r, cwd);
        for (const w of u.writes ?? []) col.addPath("write", w, cwd);
        if (extraArgs) col.hasUnknownPaths = true;
        return runProgram(col, name, exe, rest, here);
    }
  }
}

/** `<(cmd)`, `/dev/stdin`, `/dev/fd/N`: a script read from a pipe, not from a file. */
export function isPipeName(arg: Arg): boolean {
  return arg.source.startsWith("<(") || /^\/dev\/(stdin|fd\/\d+)$/.test(arg.text ?? "");
}

/** A word whose value is only known at run time. */
export function unknownArg(source: string, prefix = ""): Arg {
  return { text: null, prefix, pattern: false, tilde: false, source };
}

/** `env -S` splits its string into words like a shell would (no operators allowed). */
function splitString(text: string, depth: number): Arg[] | null {
  const r = parseShell(text, { depth: depth + 1 });
  if (!r.ok || r.script.body.length !== 1) return null;
  const p = r.script.body[0]!.andOr.pipelines;
  const cmd = p.length === 1 && p[0]!.commands.length === 1 ? p[0]!.commands[0]! : null;
  if (
    cmd === null || cmd.kind !== "simple" || cmd.redirects.length > 0 || cmd.assignments.length > 0
  ) {
    return null;
  }
  return cmd.words.map(wordValue);
}

/**
 * A command line run by a shell: parsed and walked with `label` added to
 * `via`, or `<dynamic>` when it is not static.
 */
function shellString(col: Collector, text: Arg, env: RunEnv, label: string): Cwds {
  col.inlineEval = true;
  const t = exact(text);
  if (t === null) {
    col.addDynamic(`${label} ${text.source}`, [], { ...env, via: [...env.via, label] });
    return null;
  }
  return col.nested(t, env, label);
}

function effects(col: Collector, index: number, exe: string, env: RunEnv): Effects {
  return {
    path: (kind, arg) => col.addPath(kind, arg, env.cwd),
    network: (host, port, url, program) => col.addNetwork(host, port, program ?? exe, url),
    inline: () => col.markInline(index),
    unknownPaths: () => {
      col.hasUnknownPaths = true;
    },
    runShell: (text, label) => {
      col.markInline(index);
      shellString(col, text, env, label);
    },
    runArgv: (argv, label) => {
      runCommand(col, argv, { ...env, via: [...env.via, label], stdin: { kind: "inherit" } });
    },
    dynamic: (label) => col.addDynamic(label, [], { ...env, via: [...env.via, exe] }),
  };
}

/** The program at the end of the wrapper chain. */
function runProgram(
  col: Collector,
  name: string,
  exe: string,
  args: readonly Arg[],
  env: RunEnv,
): Cwds {
  if (SHELLS.has(exe)) return runShell(col, name, exe, args, env);
  const index = col.addCommand(name, exe, args.map(shown), env);
  const fx = effects(col, index, exe, env);
  switch (exe) {
    case "eval": {
      fx.inline();
      const texts = args.map((a) => exact(a));
      const text: Arg = texts.some((t) => t === null)
        ? { ...literalArg(""), text: null, source: args.map((a) => a.source).join(" ") }
        : literalArg(texts.join(" "));
      return shellString(col, text, env, "eval");
    }
    case "cd":
    case "pushd":
    case "chdir": {
      const target = args.find((a) =>
        a.text === null || !/^-[LPe@]*$/.test(a.text) || a.text === "-"
      );
      if (target?.text?.match(/^[+-]\d+$/)) return null; // pushd +N: a folder from the stack
      const physical = args.some((a) => a !== target && /^-[LPe@]*P/.test(a.text ?? ""));
      return col.changeDir(target, env.cwd, physical);
    }
    case "popd":
      return null;
    case "source":
    case ".":
      if (args[0] !== undefined && isPipeName(args[0])) {
        fx.inline();
        fx.dynamic(`${exe} ${args[0].source}`); // code from a pipe, not a file we can check
      } else if (args[0] !== undefined) col.addPath("read", args[0], env.cwd);
      return env.cwd;
    case "trap": {
      const code = args.find((a) => a.text === null || !a.text.startsWith("-"));
      if (code !== undefined && code.text !== "" && code.text !== "-" && args.length > 1) {
        fx.runShell(code, "trap");
      }
      return env.cwd;
    }
    case "alias":
      for (const a of args) {
        const eq = a.prefix.indexOf("=");
        if (eq > 0) fx.runShell({ ...a, text: a.text?.slice(eq + 1) ?? null }, "alias");
      }
      return env.cwd;
    case "hash":
      if (args.some((a) => a.text === "-p" || a.text?.startsWith("-p"))) fx.dynamic("hash -p");
      return env.cwd;
    case "enable":
      if (args.some((a) => a.text?.startsWith("-f"))) {
        fx.inline(); // loads a shared object as a builtin
        defaultPaths(col, args, env);
      }
      return env.cwd;
    case "mapfile":
    case "readarray":
    case "read":
    case "printf":
    case "getopts":
      return assignsByName(col, exe, args, env, fx);
    case "fc":
    case "bind":
    case "complete":
      fx.inline();
      return env.cwd;
    case "export":
    case "declare":
    case "typeset":
    case "local":
    case "readonly":
      for (const a of args) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(a.prefix);
        if (m === null) continue;
        const value = a.text === null ? null : literalArg(a.text.slice(m[0].length));
        applyAssignment(col, m[1]!, value, env, "shell");
      }
      return env.cwd;
  }
  const handled = interpreter(exe, args, fx) || networkProgram(exe, args, fx) ||
    programPaths(exe, args, fx);
  if (!handled) defaultPaths(col, args, env);
  return col.functions.get(exe) === true ? null : env.cwd;
}

/** `read PATH`, `printf -v PATH`, `mapfile -C callback`: builtins that assign or run. */
function assignsByName(
  col: Collector,
  exe: string,
  args: readonly Arg[],
  env: RunEnv,
  fx: Effects,
): Cwds {
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text;
    if ((exe === "mapfile" || exe === "readarray") && t === "-C" && args[i + 1]) {
      fx.runShell(args[i + 1]!, `${exe} -C`);
    }
    if (t !== null && isSpecialVariable(t) && (exe !== "printf" || args[i - 1]?.text === "-v")) {
      applyAssignment(col, t, null, env, "shell");
    }
  }
  return env.cwd;
}

/** `bash -c STRING`, `bash script.sh`, or `bash` reading commands from its input. */
function runShell(
  col: Collector,
  name: string,
  exe: string,
  args: readonly Arg[],
  env: RunEnv,
): Cwds {
  let command: Arg | undefined;
  let commandMode = false;
  let stdinMode = false;
  const codes: Arg[] = [];
  const reads: Arg[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const t = args[i]!.text;
    if (t === null) break;
    if (t === "--" || t === "-") {
      i++;
      break;
    }
    if (t.startsWith("--")) {
      if (t === "--rcfile" || t === "--init-file") reads.push(args[++i] ?? literalArg(""));
      else if (t === "--command" || t === "--init-command") codes.push(args[++i] ?? literalArg(""));
      else if (t.startsWith("--command=") || t.startsWith("--init-command=")) {
        codes.push(literalArg(t.slice(t.indexOf("=") + 1)));
      }
      continue;
    }
    if (!t.startsWith("-") && !t.startsWith("+")) break;
    for (const letter of t.slice(1)) {
      if (letter === "c") commandMode = true;
      else if (letter === "s") stdinMode = true;
      else if (letter === "o" || letter === "O") i++;
      else if (letter === "C" && exe === "fish") codes.push(args[++i] ?? literalArg(""));
    }
  }
  const operands = args.slice(i);
  if (commandMode) command = operands[0] ?? unknownArg(`${exe} -c`);
  const readsStdin = command === undefined && codes.length === 0 &&
    (stdinMode || operands.length === 0);
  const inline = command !== undefined || codes.length > 0 || readsStdin;
  const index = col.addCommand(name, exe, args.map(shown), env, inline);
  const inner: RunEnv = { ...env, stdin: { kind: "inherit" } };
  for (const r of reads) col.addPath("read", r, env.cwd);
  for (const c of codes) shellString(col, c, inner, `${exe} -c`);
  if (command !== undefined) shellString(col, command, inner, `${exe} -c`);
  else if (!readsStdin && operands[0] !== undefined) {
    if (isPipeName(operands[0])) {
      col.markInline(index);
      col.addDynamic(`${exe} ${operands[0].source}`, [], { ...inner, via: [...env.via, exe] });
    } else col.addPath("read", operands[0], env.cwd);
  } else if (readsStdin) {
    const label = `${exe} <stdin>`;
    if (env.stdin.kind === "text" && env.stdin.text !== null) {
      col.nested(env.stdin.text, inner, label);
    } else {
      col.addDynamic(`${exe} reading commands from its input`, [], {
        ...inner,
        via: [...env.via, label],
      });
    }
  }
  return env.cwd;
}

/** Path-like arguments of programs we know nothing about are reported as reads. */
export function defaultPaths(col: Collector, args: readonly Arg[], env: RunEnv): void {
  for (const a of args) {
    const t = a.text;
    if (t === null || a.pattern) {
      if (/\/|^~|^\./.test(a.prefix)) col.addPath("read", a, env.cwd);
      continue;
    }
    const m = /^--?[A-Za-z0-9][\w.-]*=(.*)$/s.exec(t) ?? /^[A-Za-z_][A-Za-z0-9_]*=(.*)$/s.exec(t) ??
      /^-[A-Za-z](\/.*)$/s.exec(t);
    const value = m === null ? t : m[1]!;
    if (isUrl(value)) {
      const u = parseUrl(value);
      if (u?.scheme === "file") col.addStaticPath("read", u.path || "/", env.cwd);
      continue;
    }
    if (isPathLike(value)) {
      col.addPath("read", { ...literalArg(value), tilde: value.startsWith("~") }, env.cwd);
    }
  }
}

function isPathLike(v: string): boolean {
  return v === "." || v === ".." || v.startsWith("/") || v.startsWith("./") ||
    v.startsWith("../") || v.startsWith("~") || (v.includes("/") && !v.startsWith("-"));
}
