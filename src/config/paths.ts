/**
 * Where each config layer lives. Pure: takes the environment and working
 * directory as arguments.
 *
 * @module
 */

import { AstridError } from "../core/mod.ts";

/** The system layer's default path; `ASTRID_SYSTEM_CONFIG` overrides it (for tests). */
export const DEFAULT_SYSTEM_CONFIG = "/etc/astrid/config.toml";

/** The home folder: `$ASTRID_HOME`, else `$HOME/.astrid`. */
export function resolveHome(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env.ASTRID_HOME;
  if (explicit) return explicit;
  const home = env.HOME;
  if (!home) {
    throw new AstridError(
      "CONFIG_INVALID",
      "cannot find the Astrid home folder: set ASTRID_HOME or HOME",
    );
  }
  return joinPath(home, ".astrid");
}

/** The workspace folder: `flag` (relative to `cwd`) when given, else `cwd`. */
export function resolveWorkspace(cwd: string, flag?: string): string {
  if (flag === undefined || flag === "") return normalizeAbsolute(cwd);
  return normalizeAbsolute(flag.startsWith("/") ? flag : joinPath(cwd, flag));
}

/** The file of each file layer. */
export interface ConfigPaths {
  readonly system: string;
  readonly user: string;
  readonly workspace: string;
}

/** Paths of the system, user and workspace config files. */
export function configPaths(options: {
  home: string;
  workspace: string;
  env?: Readonly<Record<string, string | undefined>>;
  systemPath?: string | undefined;
}): ConfigPaths {
  return {
    system: options.systemPath ?? (options.env?.ASTRID_SYSTEM_CONFIG || DEFAULT_SYSTEM_CONFIG),
    user: joinPath(options.home, "config.toml"),
    workspace: workspaceConfigPath(options.workspace),
  };
}

/** `<workspace>/.astrid/config.toml`. */
export function workspaceConfigPath(workspace: string): string {
  return joinPath(workspace, ".astrid", "config.toml");
}

/** Join path segments with `/`. */
export function joinPath(...parts: string[]): string {
  return parts.map((p, i) => (i === 0 ? p.replace(/\/+$/, "") || "/" : p.replace(/^\/+|\/+$/g, "")))
    .filter((p, i) => i === 0 || p !== "")
    .join("/")
    .replace(/^\/\//, "/");
}

/** Resolve `.` and `..` lexically in an absolute path. */
function normalizeAbsolute(path: string): string {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}
