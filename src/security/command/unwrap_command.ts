/**
 * Programs that run another program: `env`, `nohup`, `timeout`, `nice`,
 * `xargs`, `exec`, `command`, `busybox`, `sudo`, ... For each, where its
 * wrapped command starts and what else it does on the way.
 *
 * Invariant: when a wrapper's options are not fully understood, the wrapped
 * command is `opaque` (reported as `<dynamic>`, so the policy asks) rather
 * than guessed: a wrong guess could hide `sudo` behind an option value.
 *
 * @module
 */

import { hasOption, type OptionSpec, optionValues, scanOptions } from "./scan_options.ts";
import { type Arg, exact } from "./word_value.ts";

/** What unwrapping one program found. */
export type Unwrapped =
  /** Not a wrapper, or a wrapper with no command to run: the program itself is the command. */
  | { readonly kind: "none"; readonly writes?: readonly Arg[]; readonly reads?: readonly Arg[] }
  /** A wrapper whose command we cannot find safely. */
  | { readonly kind: "opaque" }
  /** The wrapped command starts at `args[start]`. */
  | {
    readonly kind: "inner";
    readonly start: number;
    /** Report the wrapper itself as a command too (privilege and sandbox tools). */
    readonly report: boolean;
    /** `env NAME=value` pairs that apply to the wrapped command. */
    readonly assignments?: readonly Arg[];
    /** Working folder of the wrapped command (`env -C`, `sudo -D`). */
    readonly chdir?: Arg;
    readonly reads?: readonly Arg[];
    readonly writes?: readonly Arg[];
    /** The wrapped command gets more arguments from its input (`xargs`). */
    readonly extraArgs?: boolean;
    /** Input replaces this string inside the wrapped command's words (`xargs -I {}`). */
    readonly replace?: string;
  }
  /** The wrapper runs `text` through a shell (`su -c`, `flock -c`, `watch`). */
  | { readonly kind: "shell"; readonly text: Arg; readonly report: boolean }
  /** The wrapper's arguments are really these (`env -S "a b"` splits a string). */
  | { readonly kind: "split"; readonly text: string; readonly rest: readonly Arg[] };

type Unwrapper = (args: readonly Arg[]) => Unwrapped;

const NONE: Unwrapped = { kind: "none" };
const OPAQUE: Unwrapped = { kind: "opaque" };
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Unwrap a simple `wrapper [options] [N fixed operands] command ...`. */
function simple(spec: OptionSpec, fixed = 0, report = false): Unwrapper {
  return (args) => {
    const s = scanOptions(args, spec);
    if (s.unknown !== null) return OPAQUE;
    const start = s.firstOperand + fixed;
    return start < args.length ? { kind: "inner", start, report } : NONE;
  };
}

/** Commands under `sudo`-like tools are reported with the tool itself (which the policy blocks). */
const sudo: Unwrapper = (args) => {
  const s = scanOptions(args, {
    flags: "AbEeHiKklnPSsVv",
    values: "CDghpRrTtUu",
    longFlags: [
      "askpass",
      "background",
      "preserve-env",
      "edit",
      "set-home",
      "login",
      "remove-timestamp",
      "reset-timestamp",
      "list",
      "non-interactive",
      "preserve-groups",
      "stdin",
      "shell",
      "version",
      "validate",
      "bell",
      "help",
    ],
    longValues: [
      "close-from",
      "chdir",
      "group",
      "host",
      "prompt",
      "chroot",
      "role",
      "type",
      "command-timeout",
      "other-user",
      "user",
    ],
  });
  if (s.unknown !== null) return OPAQUE;
  if (hasOption(s, "-e", "--edit")) return { kind: "none", writes: args.slice(s.firstOperand) };
  let start = s.firstOperand;
  const assignments: Arg[] = [];
  while (start < args.length && ASSIGNMENT.test(args[start]!.prefix)) {
    assignments.push(args[start++]!);
  }
  if (start >= args.length) {
    return hasOption(s, "-s", "--shell", "-i", "--login") ? OPAQUE : NONE;
  }
  const chdir = optionValues(s, "-D", "--chdir")[0];
  return { kind: "inner", start, report: true, assignments, ...(chdir ? { chdir } : {}) };
};

const env: Unwrapper = (args) => {
  const s = scanOptions(args, {
    flags: "i0v",
    values: "uCS",
    longFlags: [
      "ignore-environment",
      "null",
      "debug",
      "list-signal-handling",
      "block-signal",
      "default-signal",
      "ignore-signal",
      "help",
      "version",
    ],
    longValues: ["unset", "chdir", "split-string"],
  });
  if (s.unknown !== null) return OPAQUE;
  let start = s.firstOperand;
  while (args[start]?.text === "-") start++; // `env -` is `env -i`
  const split = optionValues(s, "-S", "--split-string")[0];
  if (split !== undefined) {
    if (split.text === null) return OPAQUE;
    return { kind: "split", text: split.text, rest: args.slice(start) };
  }
  const assignments: Arg[] = [];
  while (start < args.length && ASSIGNMENT.test(args[start]!.prefix)) {
    assignments.push(args[start++]!);
  }
  if (start >= args.length) return { kind: "none" };
  const chdir = optionValues(s, "-C", "--chdir")[0];
  return { kind: "inner", start, report: false, assignments, ...(chdir ? { chdir } : {}) };
};

const xargs: Unwrapper = (args) => {
  const s = scanOptions(args, {
    flags: "0prtx",
    values: "adEILnPs",
    optional: "eil",
    longFlags: [
      "null",
      "no-run-if-empty",
      "verbose",
      "interactive",
      "exit",
      "open-tty",
      "show-limits",
      "replace",
      "eof",
      "max-lines",
      "help",
      "version",
    ],
    longValues: ["arg-file", "delimiter", "max-args", "max-procs", "max-chars", "process-slot-var"],
  });
  if (s.unknown !== null) return OPAQUE;
  const reads = optionValues(s, "-a", "--arg-file");
  if (s.firstOperand >= args.length) return { kind: "none", reads };
  // With -I R, input lines replace R inside the words instead of being appended.
  const option = s.options.find((o) => ["-I", "-i", "--replace"].includes(o.name));
  if (option !== undefined) {
    const replace = option.value?.text ?? "{}";
    if (replace === "") return OPAQUE;
    return { kind: "inner", start: s.firstOperand, report: false, reads, replace };
  }
  return { kind: "inner", start: s.firstOperand, report: false, reads, extraArgs: true };
};

const command: Unwrapper = (args) => {
  const s = scanOptions(args, { flags: "pvV" });
  if (s.unknown !== null) return OPAQUE;
  if (hasOption(s, "-v", "-V")) return NONE; // a lookup, nothing runs
  return s.firstOperand < args.length
    ? { kind: "inner", start: s.firstOperand, report: false }
    : NONE;
};

const busybox: Unwrapper = (args) => {
  const first = args[0];
  if (first === undefined || first.text?.startsWith("-")) return NONE;
  return { kind: "inner", start: 0, report: false };
};

const time: Unwrapper = (args) => {
  const s = scanOptions(args, {
    flags: "apqv",
    values: "fo",
    longFlags: ["append", "portability", "verbose", "quiet", "help", "version"],
    longValues: ["format", "output"],
  });
  if (s.unknown !== null) return OPAQUE;
  const writes = optionValues(s, "-o", "--output");
  if (s.firstOperand >= args.length) return { kind: "none", writes };
  return { kind: "inner", start: s.firstOperand, report: false, writes };
};

const flock: Unwrapper = (args) => {
  const s = scanOptions(args, {
    flags: "sxenuoFh",
    values: "wEc",
    longFlags: ["shared", "exclusive", "nonblock", "unlock", "close", "no-fork", "verbose", "help"],
    longValues: ["timeout", "wait", "conflict-exit-code", "command"],
  });
  if (s.unknown !== null) return OPAQUE;
  const lock = args[s.firstOperand];
  if (lock === undefined) return NONE;
  const cmd = optionValues(s, "-c", "--command")[0];
  // `flock FILE -c CMD` puts the option after the lock file.
  const after = args[s.firstOperand + 1];
  if (cmd !== undefined) return { kind: "shell", text: cmd, report: false };
  if (after?.text === "-c" || after?.text === "--command") {
    const text = args[s.firstOperand + 2];
    return text === undefined ? OPAQUE : { kind: "shell", text, report: false };
  }
  if (s.firstOperand + 1 >= args.length) return NONE; // `flock FD`
  return { kind: "inner", start: s.firstOperand + 1, report: false, writes: [lock] };
};

const watch: Unwrapper = (args) => {
  const s = scanOptions(args, {
    flags: "bcdetxgphrw",
    values: "nq",
    longFlags: [
      "beep",
      "color",
      "no-color",
      "differences",
      "errexit",
      "exec",
      "chgexit",
      "no-title",
      "precise",
      "no-linewrap",
      "no-rerun",
      "help",
      "version",
    ],
    longValues: ["interval", "equexit"],
  });
  if (s.unknown !== null) return OPAQUE;
  if (s.firstOperand >= args.length) return NONE;
  if (hasOption(s, "-x", "--exec")) return { kind: "inner", start: s.firstOperand, report: false };
  return { kind: "shell", text: joinArgs(args.slice(s.firstOperand)), report: false };
};

/** `strace`/`ltrace`: `-o FILE` is written. */
function tracer(spec: OptionSpec): Unwrapper {
  return (args) => {
    const s = scanOptions(args, spec);
    if (s.unknown !== null) return OPAQUE;
    const writes = optionValues(s, "-o");
    if (s.firstOperand >= args.length) return { kind: "none", writes };
    return { kind: "inner", start: s.firstOperand, report: false, writes };
  };
}

/** `su` and `runuser`: `-c CMD` runs through a shell; `runuser -u USER cmd` runs directly. */
function suLike(runuser: boolean): Unwrapper {
  return (args) => {
    const s = scanOptions(args, {
      flags: "lmpfPh",
      values: runuser ? "cgGsuw" : "cgGsw",
      longFlags: ["login", "preserve-environment", "pty", "fast", "help", "version"],
      longValues: [
        "command",
        "session-command",
        "group",
        "supp-group",
        "shell",
        "whitelist-environment",
        "user",
      ],
    });
    if (s.unknown !== null) return OPAQUE;
    const cmd = optionValues(s, "-c", "--command", "--session-command")[0];
    if (cmd !== undefined) return { kind: "shell", text: cmd, report: true };
    if (runuser && hasOption(s, "-u", "--user") && s.firstOperand < args.length) {
      return { kind: "inner", start: s.firstOperand, report: true };
    }
    return OPAQUE; // an interactive shell reading its commands from input
  };
}

const sg: Unwrapper = (args) => {
  let i = 0;
  if (args[i]?.text === "-") i++;
  i++; // the group
  if (args[i]?.text === "-c") i++;
  if (i >= args.length) return OPAQUE;
  return { kind: "shell", text: joinArgs(args.slice(i)), report: true };
};

const chroot: Unwrapper = (args) => {
  const s = scanOptions(args, {
    longFlags: ["skip-chdir", "help", "version"],
    longValues: ["userspec", "groups"],
  });
  if (s.unknown !== null) return OPAQUE;
  const root = args[s.firstOperand];
  if (root === undefined) return NONE;
  if (s.firstOperand + 1 >= args.length) return OPAQUE; // runs `$SHELL -i`
  return { kind: "inner", start: s.firstOperand + 1, report: true, reads: [root] };
};

/** `npm exec -- cmd`, `poetry run cmd`, ...: the command right after the runner word, or after `--`. */
function runner(words: readonly string[], report = true): Unwrapper {
  return (args) => {
    const i = args.findIndex((a) => a.text !== null && words.includes(a.text));
    if (i < 0 || args.slice(0, i).some((a) => a.text === null || !a.text.startsWith("-"))) {
      return NONE; // another subcommand of the tool
    }
    if (args.slice(0, i).length > 0) return OPAQUE; // global options we do not model
    const next = args[i + 1];
    if (next === undefined) return NONE;
    if (next.text === "--") {
      return i + 2 < args.length ? { kind: "inner", start: i + 2, report } : NONE;
    }
    if (next.text === "-c" || next.text === "--call") {
      const text = args[i + 2];
      return text === undefined ? OPAQUE : { kind: "shell", text, report };
    }
    if (next.text === null || next.text.startsWith("-")) return OPAQUE;
    return { kind: "inner", start: i + 1, report };
  };
}

const npx: Unwrapper = (args) => {
  const s = scanOptions(args, {
    flags: "yq",
    values: "pc",
    longFlags: [
      "yes",
      "no",
      "quiet",
      "ignore-existing",
      "no-install",
      "prefer-offline",
      "prefer-online",
      "offline",
    ],
    longValues: ["package", "call", "registry", "cache", "userconfig"],
  });
  if (s.unknown !== null) return OPAQUE;
  const call = optionValues(s, "-c", "--call")[0];
  if (call !== undefined) return { kind: "shell", text: call, report: true };
  return s.firstOperand < args.length
    ? { kind: "inner", start: s.firstOperand, report: true }
    : NONE;
};

/** Tools that run a command in a changed environment we do not model: report them and ask. */
const OPAQUE_WRAPPERS = [
  "unshare",
  "nsenter",
  "setpriv",
  "capsh",
  "firejail",
  "bwrap",
  "proot",
  "systemd-run",
  "machinectl",
  "parallel",
  "entr",
  "nix-shell",
  "direnv",
  "schroot",
  "run0",
  "script",
  "rlwrap",
  "xvfb-run",
  "dbus-run-session",
  "cross-env",
  "dotenv",
  "env-cmd",
  "socket",
];

const TABLE: Readonly<Record<string, Unwrapper>> = {
  env,
  nohup: simple({ longFlags: ["help", "version"] }),
  timeout: simple(
    {
      flags: "v",
      values: "sk",
      longFlags: ["foreground", "preserve-status", "verbose", "help", "version"],
      longValues: ["signal", "kill-after"],
    },
    1,
  ),
  nice: simple({ values: "n", numeric: true, longValues: ["adjustment"] }),
  ionice: (args) => {
    const s = scanOptions(args, {
      flags: "t",
      values: "cnpPu",
      longFlags: ["ignore", "help", "version"],
      longValues: ["class", "classdata", "pid", "pgid", "uid"],
    });
    if (s.unknown !== null) return OPAQUE;
    if (hasOption(s, "-p", "-P", "-u", "--pid", "--pgid", "--uid")) return NONE;
    return s.firstOperand < args.length
      ? { kind: "inner", start: s.firstOperand, report: false }
      : NONE;
  },
  stdbuf: simple({ values: "ioe", longValues: ["input", "output", "error"] }),
  xargs,
  exec: simple({ flags: "cl", values: "a" }),
  command,
  builtin: simple({}),
  busybox,
  time,
  setsid: simple({ flags: "cfw", longFlags: ["ctty", "fork", "wait", "help", "version"] }),
  unbuffer: simple({ flags: "p" }),
  flock,
  watch,
  taskset: (args) => {
    const s = scanOptions(args, { flags: "acp", longFlags: ["all-tasks", "cpu-list", "pid"] });
    if (s.unknown !== null) return OPAQUE;
    if (hasOption(s, "-p", "--pid")) return NONE;
    const start = s.firstOperand + 1;
    return start < args.length ? { kind: "inner", start, report: false } : NONE;
  },
  chrt: (args) => {
    const s = scanOptions(args, { flags: "abfiodrRmv", values: "TPD" });
    if (s.unknown !== null) return OPAQUE;
    if (hasOption(s, "-p")) return NONE;
    const start = s.firstOperand + 1;
    return start < args.length ? { kind: "inner", start, report: false } : NONE;
  },
  strace: tracer({ flags: "cCdDfFhiknqrtTvVwxyYzZ", values: "abeEIoOpPsSUX" }),
  ltrace: tracer({ flags: "bcCfhiLrStTV", values: "aADeFlnopsuwx" }),
  valgrind: (args) => {
    const i = args.findIndex((a) => a.text === null || !a.text.startsWith("-"));
    if (i < 0) return NONE;
    // valgrind options always attach their values with `=`.
    if (args.slice(0, i).some((a) => /^-[^-]/.test(a.text!) && a.text!.length > 2)) return OPAQUE;
    return { kind: "inner", start: i, report: false };
  },
  fakeroot: simple(
    {
      flags: "uh",
      values: "lfsib",
      longFlags: ["unknown-is-real", "help", "version"],
      longValues: ["lib", "faked"],
    },
    0,
    true,
  ),
  sudo,
  doas: (args) => {
    const s = scanOptions(args, { flags: "Lns", values: "Cu" });
    if (s.unknown !== null) return OPAQUE;
    if (hasOption(s, "-L", "-C")) return NONE;
    if (s.firstOperand >= args.length) return hasOption(s, "-s") ? OPAQUE : NONE;
    return { kind: "inner", start: s.firstOperand, report: true };
  },
  pkexec: (args) => {
    const s = scanOptions(args, {
      longFlags: ["disable-internal-agent", "keep-cwd", "help", "version"],
      longValues: ["user"],
    });
    if (s.unknown !== null) return OPAQUE;
    return s.firstOperand < args.length
      ? { kind: "inner", start: s.firstOperand, report: true }
      : OPAQUE;
  },
  su: suLike(false),
  runuser: suLike(true),
  sg,
  chroot,
  npx,
  bunx: npx,
  pnpx: npx,
  uvx: simple({}, 0, true),
  npm: runner(["exec", "x"]),
  pnpm: runner(["exec", "dlx"]),
  yarn: runner(["exec", "dlx"]),
  bun: runner(["x", "exec"]),
  poetry: runner(["run"]),
  uv: runner(["run"]),
  pipenv: runner(["run"]),
  pdm: runner(["run"]),
  hatch: runner(["run"]),
  rye: runner(["run"]),
  bundle: runner(["exec"]),
  conda: runner(["run"]),
  mamba: runner(["run"]),
};

for (const name of OPAQUE_WRAPPERS) {
  (TABLE as Record<string, Unwrapper>)[name] = (args) => args.length === 0 ? NONE : OPAQUE;
}

/** Unwrap one level of `program args...` (`program` is a base name). */
export function unwrapCommand(program: string, args: readonly Arg[]): Unwrapped {
  const u = Object.hasOwn(TABLE, program) ? TABLE[program]! : undefined;
  return u === undefined ? NONE : u(args);
}

/** Is `program` a wrapper we know (whatever its arguments)? */
export function isWrapper(program: string): boolean {
  return Object.hasOwn(TABLE, program);
}

/** Arguments joined by spaces, as `watch` and `sg` hand them to `sh -c`; dynamic when any is. */
function joinArgs(args: readonly Arg[]): Arg {
  const texts = args.map((a) => exact(a));
  if (texts.some((t) => t === null)) {
    const source = args.map((a) => a.source).join(" ");
    return { text: null, prefix: "", pattern: false, tilde: false, source };
  }
  const text = texts.join(" ");
  return { text, prefix: text, pattern: false, tilde: false, source: text };
}
