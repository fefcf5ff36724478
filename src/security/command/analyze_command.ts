/**
 * `analyzeCommand()`: read a shell command line the way bash would and list
 * every program it would run, every path it would read, write or delete, and
 * every host it would reach, including inside substitutions, subshells,
 * groups, loops, functions, and nested `sh -c` strings.
 *
 * Invariants:
 * - Nothing runs and nothing is read: the analysis is pure (no `Deno.*`).
 * - A line the parser cannot read is `ok: false`, never a best guess.
 * - A program name that depends on an expansion is reported as the
 *   executable `"<dynamic>"`, so the policy asks.
 * - The working folder is tracked through `cd`; after a `cd` we cannot
 *   follow, relative paths are unknown (`hasUnknownPaths`), not resolved
 *   against a stale folder.
 *
 * @example
 * ```ts
 * const a = analyzeCommand("timeout 5 bash -lc 'sudo id' > /etc/x", "/work");
 * // a.ok && a.commands.map((c) => c.executable) -> ["bash", "sudo"]
 * // a.ok && a.writePaths -> ["/etc/x"]
 * ```
 *
 * @module
 */

import {
  Collector,
  type Cwds,
  NestedParseError,
  type RunEnv,
  sameCwds,
  type Stdin,
  unionCwds,
} from "./analysis_state.ts";
import type { CommandAnalysis } from "./command_analysis.ts";
import { parseShell } from "./parse_shell.ts";
import { runCommand } from "./run_command.ts";
import type {
  Command,
  List,
  Pipeline,
  Redirect,
  SimpleCommand,
  Word,
  WordPart,
} from "./shell_ast.ts";
import { applyAssignment } from "./special_variables.ts";
import { type Arg, wordValue } from "./word_value.ts";

/** Options of {@link analyzeCommand}. */
export interface AnalyzeOptions {
  /**
   * The home folder `~` stands for. Without it, `~` paths are reported
   * literally (`~/.ssh/id_rsa`) and a `cd ~` makes the working folder unknown.
   */
  readonly home?: string;
}

/** Most characters of nested command strings read for one line (4 times the largest line). */
const MAX_NESTED_TEXT = 256 * 1024;

const INHERIT: Stdin = { kind: "inherit" };
const PIPE: Stdin = { kind: "pipe" };

/** Analyse the shell command line `line` run in the absolute folder `cwd`. */
export function analyzeCommand(
  line: string,
  cwd: string,
  options: AnalyzeOptions = {},
): CommandAnalysis {
  if (!cwd.startsWith("/")) {
    return { ok: false, reason: `working directory "${cwd}" is not absolute`, position: 0 };
  }
  if (options.home !== undefined && !options.home.startsWith("/")) {
    return { ok: false, reason: `home folder "${options.home}" is not absolute`, position: 0 };
  }
  const parsed = parseShell(line);
  if (!parsed.ok) {
    return {
      ok: false,
      reason:
        `Cannot parse the command line at line ${parsed.line}, column ${parsed.column}: ${parsed.message}`,
      position: parsed.position,
    };
  }
  let nestedText = 0;
  const col: Collector = new Collector(options.home, (text, env, label) => {
    // Nested strings are re-read at each level (`eval eval ...`): bound the total work.
    nestedText += text.length;
    if (nestedText > MAX_NESTED_TEXT) {
      throw new NestedParseError(
        `Command strings nested in the line (eval, sh -c, ...) add up to more than ${MAX_NESTED_TEXT} characters`,
        col.position,
      );
    }
    const r = parseShell(text, { depth: env.depth });
    if (!r.ok) {
      throw new NestedParseError(
        `Cannot parse the command string given to ${label} (${
          JSON.stringify(truncate(text))
        }): ${r.message} at offset ${r.position} of that string`,
        col.position,
      );
    }
    return walkList(col, r.script.body, {
      ...env,
      via: [...env.via, label],
      depth: env.depth + 1,
      assigned: [],
    });
  });
  const env: RunEnv = {
    cwd: [cwd],
    via: [],
    stdin: INHERIT,
    depth: 0,
    pathChanged: false,
    assigned: [],
  };
  try {
    walkList(col, parsed.script.body, env);
  } catch (e) {
    if (e instanceof NestedParseError) return { ok: false, reason: e.reason, position: e.position };
    throw e;
  }
  return col.result();
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Commands separated by `;`, `&`, newlines: each runs after the previous one. */
function walkList(col: Collector, list: List, env: RunEnv): Cwds {
  let cwd = env.cwd;
  if (list.length > 1) col.hasChains = true;
  for (const item of list) {
    if (item.background) col.hasChains = true;
    const { pipelines, ops } = item.andOr;
    if (ops.length > 0) col.hasChains = true;
    // The first pipeline always runs; each later one may or may not.
    let after = walkPipeline(col, pipelines[0]!, { ...env, cwd });
    for (const p of pipelines.slice(1)) {
      after = unionCwds(after, walkPipeline(col, p, { ...env, cwd: after }));
    }
    // A background job runs in a subshell: its `cd` does not reach us.
    if (!item.background) cwd = after;
  }
  return cwd;
}

function walkPipeline(col: Collector, p: Pipeline, env: RunEnv): Cwds {
  if (p.commands.length === 1) return walkCommand(col, p.commands[0]!, env);
  col.hasChains = true;
  let last: Cwds = env.cwd;
  p.commands.forEach((cmd, i) => {
    last = walkCommand(col, cmd, { ...env, stdin: i === 0 ? env.stdin : PIPE });
  });
  // Pipeline parts run in subshells, except the last one under `shopt -s lastpipe`.
  return unionCwds(env.cwd, last);
}

function walkCommand(col: Collector, cmd: Command, outer: RunEnv): Cwds {
  const env: RunEnv = { ...outer, depth: outer.depth + 1 };
  switch (cmd.kind) {
    case "simple":
      return walkSimple(col, cmd, env);
    case "subshell":
      walkList(col, cmd.body, withStdin(env, walkRedirects(col, cmd.redirects, env)));
      return outer.cwd;
    case "group":
      return walkList(col, cmd.body, withStdin(env, walkRedirects(col, cmd.redirects, env)));
    case "if": {
      const e = withStdin(env, walkRedirects(col, cmd.redirects, env));
      let condCwd = e.cwd;
      let end: Cwds | undefined;
      for (const clause of cmd.clauses) {
        condCwd = walkList(col, clause.cond, { ...e, cwd: condCwd });
        const body = walkList(col, clause.body, { ...e, cwd: condCwd });
        end = end === undefined ? body : unionCwds(end, body);
      }
      const otherwise = cmd.elseBody === null
        ? condCwd
        : walkList(col, cmd.elseBody, { ...e, cwd: condCwd });
      return unionCwds(end ?? otherwise, otherwise);
    }
    case "loop": {
      const e = withStdin(env, walkRedirects(col, cmd.redirects, env));
      const cond = walkList(col, cmd.cond, e);
      const body = walkList(col, cmd.body, { ...e, cwd: cond });
      // A `cd` inside a loop may repeat any number of times.
      return sameCwds(cond, e.cwd) && sameCwds(body, e.cwd) ? e.cwd : null;
    }
    case "for": {
      const e = withStdin(env, walkRedirects(col, cmd.redirects, env));
      for (const w of cmd.items ?? []) walkWord(col, w, e);
      const body = walkList(col, cmd.body, e);
      return sameCwds(body, e.cwd) ? e.cwd : null;
    }
    case "arith_for": {
      const e = withStdin(env, walkRedirects(col, cmd.redirects, env));
      walkParts(col, cmd.parts, e);
      col.hasSubstitution = true; // arithmetic on variables
      const body = walkList(col, cmd.body, e);
      return sameCwds(body, e.cwd) ? e.cwd : null;
    }
    case "case": {
      const e = withStdin(env, walkRedirects(col, cmd.redirects, env));
      walkWord(col, cmd.subject, e);
      let end: Cwds = e.cwd;
      for (const item of cmd.items) {
        for (const p of item.patterns) walkWord(col, p, e);
        end = unionCwds(end, walkList(col, item.body, e));
      }
      return end;
    }
    case "function": {
      // The body runs when called; walk it now so its commands are checked either way.
      const after = walkCommand(col, cmd.body, env);
      col.functions.set(cmd.name, !sameCwds(after, env.cwd));
      return outer.cwd;
    }
    case "arith_cmd":
      walkRedirects(col, cmd.redirects, env);
      walkParts(col, cmd.parts, env);
      if (cmd.usesVariables) col.hasSubstitution = true;
      return outer.cwd;
    case "cond":
      walkRedirects(col, cmd.redirects, env);
      for (const w of cmd.words) walkWord(col, w, env);
      return outer.cwd;
  }
}

function withStdin(env: RunEnv, stdin: Stdin): RunEnv {
  return stdin === env.stdin ? env : { ...env, stdin };
}

function walkSimple(col: Collector, cmd: SimpleCommand, env: RunEnv): Cwds {
  if (env.via.length === 0) col.position = cmd.pos;
  // Expansions in the words run before the command does.
  for (const a of cmd.assignments) {
    if (a.value !== null) walkWord(col, a.value, env);
    for (const w of a.array ?? []) walkWord(col, w, env);
  }
  for (const w of cmd.words) walkWord(col, w, env);
  const stdin = walkRedirects(col, cmd.redirects, env);
  const scope = cmd.words.length === 0 ? "shell" : "command";
  let pathChanged = env.pathChanged;
  for (const a of cmd.assignments) {
    const value = a.value === null ? null : wordValue(a.value);
    if (applyAssignment(col, a.name, value, env, scope)) pathChanged = true;
  }
  if (cmd.words.length === 0) return env.cwd;
  const assigned = cmd.assignments.map((a) => a.name);
  return runCommand(col, cmd.words.map(wordValue), { ...env, stdin, pathChanged, assigned });
}

/** File redirections are paths; here-documents and here-strings become the standard input. */
function walkRedirects(col: Collector, redirects: readonly Redirect[], env: RunEnv): Stdin {
  let stdin = env.stdin;
  for (const r of redirects) {
    walkWord(col, r.target, env);
    if (r.heredoc?.word) walkWord(col, r.heredoc.word, env);
    const target = wordValue(r.target);
    const toStdin = r.fd === null || r.fd === 0;
    if (r.op !== "<<" && r.op !== "<<-" && r.op !== "<<<" && devTcp(col, target)) {
      if (toStdin && r.op.startsWith("<")) stdin = { kind: "file" };
      continue;
    }
    switch (r.op) {
      case "<":
        col.hasRedirections = true;
        col.addPath("read", target, env.cwd);
        if (toStdin) stdin = { kind: "file" };
        break;
      case ">":
      case ">>":
      case ">|":
      case "&>":
      case "&>>":
        col.hasRedirections = true;
        col.addPath("write", target, env.cwd);
        break;
      case "<>":
        col.hasRedirections = true;
        col.addPath("read", target, env.cwd);
        col.addPath("write", target, env.cwd);
        if (toStdin) stdin = { kind: "file" };
        break;
      case "<&":
      case ">&":
        // `2>&1`, `>&-`: copies of open descriptors. `>&file` is `&>file` in bash.
        if (target.text !== null && /^(\d+-?|-)$/.test(target.text)) break;
        col.hasRedirections = true;
        col.addPath(r.op === ">&" ? "write" : "read", target, env.cwd);
        break;
      case "<<":
      case "<<-": {
        col.hasRedirections = true;
        const h = r.heredoc;
        if (toStdin && h !== null) {
          stdin = { kind: "text", text: h.quoted ? h.text : staticText(h.word) };
        }
        break;
      }
      case "<<<":
        col.hasRedirections = true;
        if (toStdin) {
          stdin = { kind: "text", text: target.text === null ? null : target.text + "\n" };
        }
        break;
    }
  }
  return stdin;
}

/**
 * Bash opens a network connection for `/dev/tcp/HOST/PORT` and
 * `/dev/udp/HOST/PORT` redirections (the usual reverse shell). Returns
 * whether `target` was one.
 */
function devTcp(col: Collector, target: Arg): boolean {
  const text = target.text ?? target.prefix;
  const m = /^\/dev\/(tcp|udp)\/([^/]*)(?:\/(\d+))?/.exec(text);
  if (m === null) return false;
  col.hasRedirections = true;
  const known = target.text !== null && !target.pattern && m[2] !== "" && m[3] !== undefined;
  col.addNetwork(known ? m[2]! : "<dynamic>", known ? Number(m[3]) : 0, `bash /dev/${m[1]}`, text);
  return true;
}

function staticText(word: Word | null): string | null {
  if (word === null) return "";
  let text = "";
  for (const p of word.parts) {
    if (p.kind !== "literal") return null;
    text += p.text;
  }
  return text;
}

function walkWord(col: Collector, word: Word, env: RunEnv): void {
  walkParts(col, word.parts, env);
}

/** Substitutions inside words run commands of their own (in a subshell). */
function walkParts(col: Collector, parts: readonly WordPart[], env: RunEnv): void {
  for (const p of parts) {
    switch (p.kind) {
      case "literal":
        break;
      case "param":
        walkParts(col, p.parts, env);
        if (p.evaluates) col.addDynamic(`\${${p.name}@P}`, [], env);
        break;
      case "arith":
        walkParts(col, p.parts, env);
        if (p.usesVariables) col.hasSubstitution = true;
        break;
      case "command_sub":
      case "process_sub":
        col.hasSubstitution = true;
        walkList(col, p.body.body, { ...env, stdin: INHERIT, depth: env.depth + 1 });
        break;
    }
  }
}
