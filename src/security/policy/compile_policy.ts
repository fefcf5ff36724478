/**
 * Turn `[policy]` plus the built-in floor into matchers that are cheap to run
 * for every action: globs compiled once, command names in a set.
 *
 * Invariant: the floor comes first and config can only add to it. There is
 * no config value that removes or weakens a floor rule (an allow list never
 * overrides a deny; `allowed_paths` only restricts further).
 *
 * @module
 */

import { compileGlob, type Glob } from "../glob.ts";
import { compileHostPattern, type HostPattern } from "./host_pattern.ts";
import type { PolicyConfig } from "./policy_config.ts";
import {
  FLOOR_BLOCKED_COMMANDS,
  FLOOR_DENIED_PATHS,
  FLOOR_WRITE_DENIED_PATHS,
} from "./policy_floor.ts";

/** A rule with its name, as decisions quote it. */
export interface NamedRule {
  /** `floor:path:/etc/**`, `config:policy.denied_paths[2]`, ... */
  readonly rule: string;
  /** The pattern as written (after expansion of relative paths). */
  readonly pattern: string;
}

/** A compiled path rule. */
export interface PathRule extends NamedRule {
  readonly glob: Glob;
  /** `all`: every access; `write`: writes and deletes only. */
  readonly scope: "all" | "write";
  /** True for the floor's `/dev/**`, which carves out `/dev/null` and friends. */
  readonly devExceptions: boolean;
}

/** A compiled name glob (tools, capsules, commands). */
export interface GlobRule extends NamedRule {
  readonly glob: Glob;
}

/** A compiled host rule. */
export interface HostRule extends NamedRule {
  readonly host: HostPattern;
}

/** The policy, ready for {@link evaluatePolicy}. Build it with {@link compilePolicy}. */
export interface CompiledPolicy {
  /** Canonical workspace root. */
  readonly workspace: string;
  /** Canonical Astrid home. */
  readonly home: string;
  readonly maxArgumentBytes: number;
  /** Lower-case program base name -> the rule that blocks it. */
  readonly blockedNames: ReadonlyMap<string, NamedRule>;
  readonly blockedGlobs: readonly GlobRule[];
  readonly deniedPaths: readonly PathRule[];
  readonly allowedPaths: readonly GlobRule[];
  readonly deniedHosts: readonly HostRule[];
  readonly allowedHosts: readonly HostRule[];
  readonly alwaysAskTools: readonly GlobRule[];
  readonly blockedCapsules: readonly GlobRule[];
}

/** Where the policy applies. Both paths must be canonical (real, absolute). */
export interface PolicyScope {
  readonly workspace: string;
  readonly home: string;
}

const GLOB_META = /[*?[\]{}]/;

/**
 * Compile `cfg` over the floor. Throws `TypeError` naming the key
 * (`policy.denied_paths[2]`) and quoting the value for anything that cannot
 * be a rule; invalid policy refuses to start rather than being skipped.
 */
export function compilePolicy(cfg: PolicyConfig, scope: PolicyScope): CompiledPolicy {
  const workspace = requireCanonical("workspace", scope.workspace);
  const home = requireCanonical("home", scope.home);
  const max = cfg.max_argument_bytes;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new TypeError(
      `policy.max_argument_bytes: expected a positive whole number of bytes, got ${
        JSON.stringify(max)
      }`,
    );
  }

  const blockedNames = new Map<string, NamedRule>();
  const blockedGlobs: GlobRule[] = [];
  for (const name of FLOOR_BLOCKED_COMMANDS) {
    blockedNames.set(name, { rule: `floor:command:${name}`, pattern: name });
  }
  cfg.blocked_commands.forEach((entry, i) => {
    const key = `policy.blocked_commands[${i}]`;
    const base = baseName(entry).toLowerCase();
    if (base === "") throw new TypeError(`${key}: expected a program name, got "${entry}"`);
    const named = { rule: `config:${key}`, pattern: entry };
    if (GLOB_META.test(base)) {
      blockedGlobs.push({ ...named, glob: glob(key, base, true) });
    } else if (!blockedNames.has(base)) blockedNames.set(base, named);
  });

  const deniedPaths: PathRule[] = [];
  const floorPath = (pattern: string, scope: "all" | "write") =>
    deniedPaths.push({
      rule: `floor:${scope === "all" ? "path" : "write"}:${pattern}`,
      pattern,
      glob: glob("floor", pattern, true),
      scope,
      devExceptions: pattern === "/dev/**",
    });
  for (const p of FLOOR_DENIED_PATHS) floorPath(p, "all");
  // Astrid's own keys, config and state: the agent can never rewrite its rules.
  floorPath(`${escapeGlob(home)}/**`, "all");
  for (const p of FLOOR_WRITE_DENIED_PATHS) floorPath(p, "write");
  floorPath(`${escapeGlob(workspace)}/.astrid/**`, "write");
  cfg.denied_paths.forEach((entry, i) => {
    const key = `policy.denied_paths[${i}]`;
    const pattern = pathPattern(key, entry, "**");
    deniedPaths.push({
      rule: `config:${key}`,
      pattern,
      glob: glob(key, pattern, true),
      scope: "all",
      devExceptions: false,
    });
  });

  const allowedPaths = cfg.allowed_paths.map((entry, i): GlobRule => {
    const key = `policy.allowed_paths[${i}]`;
    const pattern = pathPattern(key, entry, escapeGlob(workspace));
    return { rule: `config:${key}`, pattern, glob: glob(key, pattern, false) };
  });

  return {
    workspace,
    home,
    maxArgumentBytes: max,
    blockedNames,
    blockedGlobs,
    deniedPaths,
    allowedPaths,
    deniedHosts: hosts("denied_hosts", cfg.denied_hosts),
    allowedHosts: hosts("allowed_hosts", cfg.allowed_hosts),
    alwaysAskTools: names("always_ask_tools", cfg.always_ask_tools),
    blockedCapsules: names("blocked_capsules", cfg.blocked_capsules),
  };
}

/** Escape glob syntax in a literal path (a workspace called `/srv/[x]` is not a class). */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]{}\\,]/g, (c) => `\\${c}`);
}

function requireCanonical(what: string, path: string): string {
  const bad = path.length === 0 || !path.startsWith("/") || path.includes("\0") ||
    (path !== "/" && path.endsWith("/")) ||
    path.split("/").some((s, i) => i > 0 && (s === "" || s === "." || s === ".."));
  if (bad && path !== "/") {
    throw new TypeError(`policy ${what}: expected a canonical absolute path, got "${path}"`);
  }
  return path;
}

function baseName(p: string): string {
  const trimmed = p.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Absolute patterns stay; relative ones get `prefix/` (`**` to match at any depth). */
function pathPattern(key: string, entry: string, prefix: string): string {
  if (entry.length === 0) throw new TypeError(`${key}: expected a path glob, got ""`);
  if (entry.startsWith("~")) {
    throw new TypeError(`${key}: "${entry}": "~" is not expanded; write the absolute path`);
  }
  if (entry.split("/").includes("..")) {
    throw new TypeError(
      `${key}: "${entry}" contains "..": rules match canonical paths, write the path it means`,
    );
  }
  if (entry.startsWith("/")) return entry;
  if (entry.startsWith("**/") || entry === "**") return entry;
  return `${prefix}/${entry.replace(/^(\.\/)+/, "")}`;
}

function glob(key: string, pattern: string, caseInsensitive: boolean): Glob {
  try {
    return compileGlob(pattern, { separator: "/", caseInsensitive });
  } catch (e) {
    throw new TypeError(`${key}: ${(e as Error).message}`);
  }
}

function hosts(field: string, entries: readonly string[]): HostRule[] {
  return entries.map((entry, i) => {
    const key = `policy.${field}[${i}]`;
    try {
      return { rule: `config:${key}`, pattern: entry, host: compileHostPattern(entry) };
    } catch (e) {
      throw new TypeError(`${key}: ${(e as Error).message}`);
    }
  });
}

function names(field: string, entries: readonly string[]): GlobRule[] {
  return entries.map((entry, i) => {
    const key = `policy.${field}[${i}]`;
    if (entry.length === 0) throw new TypeError(`${key}: expected a name, got ""`);
    return { rule: `config:${key}`, pattern: entry, glob: glob(key, entry, false) };
  });
}
