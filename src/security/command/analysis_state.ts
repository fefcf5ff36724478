/**
 * The mutable collector behind `analyzeCommand()`: what has been found so
 * far, the working-folder knowledge, and helpers that add paths, hosts and
 * commands. Private to the command concern.
 *
 * @module
 */

import { posix } from "node:path";
import type { AnalyzedCommand, CommandAnalysis, NetworkTarget } from "./command_analysis.ts";
import type { Arg } from "./word_value.ts";

/** Possible working folders at a point of the line; `null` when unknown. */
export type Cwds = readonly string[] | null;

/** Most working folders tracked before giving up (`cd` in many branches). */
const MAX_CWDS = 8;
/** Linux PATH_MAX. */
const PATH_MAX = 4096;

/** Where a command's standard input comes from. */
export type Stdin =
  | { readonly kind: "inherit" }
  | { readonly kind: "pipe" }
  | { readonly kind: "file" }
  /** A here-document or here-string; `text` is `null` when it has expansions. */
  | { readonly kind: "text"; readonly text: string | null };

/** Context of one command being resolved. */
export interface RunEnv {
  readonly cwd: Cwds;
  readonly via: readonly string[];
  readonly stdin: Stdin;
  readonly depth: number;
  /** A `PATH=` prefix assignment applies to this command. */
  readonly pathChanged: boolean;
  /** Variables assigned for this command only (`FOO=1 cmd`). */
  readonly assigned: readonly string[];
}

/** Thrown when a nested command string (`sh -c '...'`) cannot be parsed. */
export class NestedParseError extends Error {
  constructor(readonly reason: string, readonly position: number) {
    super(reason);
  }
}

/**
 * Parses and walks a nested command string with `label` added to `via`;
 * returns the working folders after it (for `eval`, which runs in this shell).
 */
export type NestedAnalyzer = (text: string, env: RunEnv, label: string) => Cwds;

export type PathKind = "read" | "write" | "delete";

/** Standard streams spelled as paths: the same as `>&1`, not a file. */
const FD_ALIAS = /^\/dev\/(stdin|stdout|stderr|fd\/\d+)$/;

/** Collects everything one command line would do. */
export class Collector {
  readonly commands: AnalyzedCommand[] = [];
  private readonly paths = { read: [] as string[], write: [] as string[], delete: [] as string[] };
  private readonly seen = new Set<string>();
  readonly network: NetworkTarget[] = [];
  hasChains = false;
  hasRedirections = false;
  hasSubstitution = false;
  inlineEval = false;
  hasUnknownPaths = false;
  /** `PATH` was changed for the rest of the line. */
  pathChanged = false;
  /** `CDPATH` was set: a relative `cd` may go anywhere. */
  cdpathSet = false;
  /** `HOME` was set: `~` no longer means the home folder we know. */
  homeChanged = false;
  /** Offset in the outermost line of the command being walked (for nested parse errors). */
  position = 0;
  /** Functions defined so far; `true` when the body changes the working folder. */
  readonly functions = new Map<string, boolean>();

  constructor(readonly home: string | undefined, readonly nested: NestedAnalyzer) {}

  /** Record a command; returns its index (for {@link markInline}). */
  addCommand(
    name: string,
    executable: string,
    args: readonly string[],
    env: RunEnv,
    inlineEval = false,
  ): number {
    this.commands.push({ name, executable, args, via: env.via, env: env.assigned, inlineEval });
    if (inlineEval) this.inlineEval = true;
    return this.commands.length - 1;
  }

  /** The command at `index` evaluates code given inline. */
  markInline(index: number): void {
    const c = this.commands[index]!;
    if (!c.inlineEval) this.commands[index] = { ...c, inlineEval: true };
    this.inlineEval = true;
  }

  /** A program we cannot name statically: the policy must ask. */
  addDynamic(name: string, args: readonly string[], env: RunEnv): void {
    this.hasSubstitution = true;
    this.addCommand(name, "<dynamic>", args, env);
  }

  /** Record `arg` as a path of `kind`, relative to each possible working folder. */
  addPath(kind: PathKind, arg: Arg, cwd: Cwds): void {
    if (arg.text !== null && !arg.pattern) {
      return this.addStaticPath(kind, arg.text, cwd, arg.tilde);
    }
    this.hasUnknownPaths = true;
    const cut = arg.prefix.lastIndexOf("/");
    if (cut >= 0) this.addStaticPath(kind, arg.prefix.slice(0, cut + 1) || "/", cwd, arg.tilde);
  }

  addStaticPath(kind: PathKind, path: string, cwd: Cwds, tilde = false): void {
    // `-` is standard input or output; /dev/stdout and friends are open descriptors.
    if (path === "" || path === "-" || FD_ALIAS.test(path)) return;
    let abs: string[];
    if (tilde) {
      const home = this.expandTilde(path, cwd);
      if (home === null) {
        this.hasUnknownPaths = true;
        return;
      }
      abs = home;
    } else if (path.startsWith("/")) abs = [joinPath("/", path)];
    else if (cwd === null) {
      this.hasUnknownPaths = true;
      return;
    } else abs = cwd.map((c) => joinPath(c, path));
    for (const p of abs) {
      const key = `${kind}\0${p}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.paths[kind].push(p);
    }
  }

  /**
   * `~` and `~/x` become the home folder when one was given; otherwise they
   * stay literal (`~/x`) for the caller to resolve. `~+` is the working
   * folder. `~user` and `~-` stay literal. `null` when unknowable.
   */
  private expandTilde(path: string, cwd: Cwds): string[] | null {
    if (this.homeChanged) return null;
    const m = /^~([^/]*)(\/.*)?$/.exec(path)!;
    const user = m[1]!;
    const rest = m[2] ?? "";
    if (user === "") {
      // Kept literal (not normalized: `~/..` must not turn into a relative path).
      if (this.home === undefined) return [path];
      return [joinPath(this.home, "." + rest)];
    }
    if (user === "+") return cwd === null ? null : cwd.map((c) => joinPath(c, "." + rest));
    return [path];
  }

  /**
   * Resolve a `cd` target against the current working folders. Bash's `cd`
   * is logical by default (`..` drops the previous name, as here); `cd -P`
   * is physical, so there `..` is kept for the canonicalizer to resolve.
   */
  changeDir(target: Arg | undefined, cwd: Cwds, physical = false): Cwds {
    const next = this.#changeDir(target, cwd, physical);
    // No real folder name is longer than PATH_MAX; longer ones are not worth tracking.
    return next !== null && next.some((c) => c.length > PATH_MAX) ? null : next;
  }

  #changeDir(target: Arg | undefined, cwd: Cwds, physical: boolean): Cwds {
    if (target === undefined) {
      return this.home === undefined || this.homeChanged ? null : [this.home];
    }
    if (target.text === null || target.pattern || target.text === "-") return null;
    const t = target.text;
    const join = physical ? joinPath : posix.resolve;
    if (target.tilde) {
      const home = this.expandTilde(t, cwd);
      return home === null || home.some((h) => !h.startsWith("/"))
        ? null
        : home.map((h) => join("/", h));
    }
    if (t.startsWith("/")) return [join("/", t)];
    if (cwd === null || this.cdpathSet) return null;
    return cwd.map((c) => join(c, t));
  }

  addNetwork(host: string, port: number, program: string, url?: string): void {
    const h = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
    if (this.network.some((n) => n.host === h && n.port === port && n.program === program)) return;
    this.network.push(
      url === undefined ? { host: h, port, program } : { host: h, port, program, url },
    );
  }

  result(): CommandAnalysis {
    return {
      ok: true,
      commands: this.commands,
      readPaths: this.paths.read,
      writePaths: this.paths.write,
      deletePaths: this.paths.delete,
      network: this.network,
      hasChains: this.hasChains || this.commands.length > 1,
      hasRedirections: this.hasRedirections,
      hasSubstitution: this.hasSubstitution,
      inlineEval: this.inlineEval,
      hasUnknownPaths: this.hasUnknownPaths,
    };
  }
}

/** Every working folder either branch may end in. */
export function unionCwds(a: Cwds, b: Cwds): Cwds {
  if (a === null || b === null) return null;
  if (a === b) return a;
  const out = [...a];
  for (const c of b) if (!out.includes(c)) out.push(c);
  return out.length > MAX_CWDS ? null : out;
}

/** Same set of folders? */
export function sameCwds(a: Cwds, b: Cwds): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  return a.every((c) => b.includes(c));
}

/**
 * `rel` made absolute against `base` without collapsing `..`: after a
 * symlink, `..` means the link target's parent to the kernel, so it is left
 * for the canonicalizer. Empty and `.` segments are dropped.
 */
export function joinPath(base: string, rel: string): string {
  const abs = rel.startsWith("/") ? rel : `${base}/${rel}`;
  return "/" + abs.split("/").filter((s) => s !== "" && s !== ".").join("/");
}
