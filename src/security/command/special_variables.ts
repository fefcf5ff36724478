/**
 * Environment variables whose value changes what runs: `PATH` (which program
 * a name means), `GIT_SSH_COMMAND`/`PAGER`/`EDITOR` (a command line some
 * program runs), `LD_PRELOAD`/`BASH_ENV`/`NODE_OPTIONS` (code loaded into a
 * program), `CDPATH` and `HOME` (where `cd` and `~` go).
 *
 * @module
 */

import type { Collector, RunEnv } from "./analysis_state.ts";
import { type Arg, exact } from "./word_value.ts";

/** Variables whose value is a command line that some program runs through a shell. */
const COMMAND_VARIABLES = new Set([
  "GIT_SSH_COMMAND",
  "GIT_SSH",
  "GIT_PAGER",
  "GIT_EDITOR",
  "GIT_SEQUENCE_EDITOR",
  "GIT_EXTERNAL_DIFF",
  "GIT_PROXY_COMMAND",
  "GIT_ASKPASS",
  "SSH_ASKPASS",
  "SUDO_ASKPASS",
  "PAGER",
  "MANPAGER",
  "SYSTEMD_PAGER",
  "EDITOR",
  "VISUAL",
  "FCEDIT",
  "BROWSER",
  "LESSOPEN",
  "LESSCLOSE",
  "PROMPT_COMMAND",
  "RSYNC_RSH",
  "CVS_RSH",
  "TAR_OPTIONS",
]);

/** Variables that load code or options into the programs that see them. */
const CODE_VARIABLES = new Set([
  "LD_PRELOAD",
  "LD_LIBRARY_PATH",
  "LD_AUDIT",
  "DYLD_INSERT_LIBRARIES",
  "DYLD_LIBRARY_PATH",
  "BASH_ENV",
  "ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "PS4",
  "IFS",
  "PYTHONSTARTUP",
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONINSPECT",
  "NODE_OPTIONS",
  "NODE_PATH",
  "PERL5OPT",
  "PERL5LIB",
  "PERLLIB",
  "RUBYOPT",
  "RUBYLIB",
  "GCONV_PATH",
  "GIT_CONFIG_PARAMETERS",
  "GIT_CONFIG_COUNT",
  "GIT_CONFIG_GLOBAL",
  "GIT_CONFIG_SYSTEM",
  "GIT_EXEC_PATH",
  "GIT_TEMPLATE_DIR",
  "DENO_DIR",
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
]);

const CODE_PREFIXES = /^(GIT_CONFIG_(KEY|VALUE)_\d+|npm_config_.*|NPM_CONFIG_.*)$/;

/**
 * Apply `name=value` (`value` `null` when unknown). `scope` is `"command"` for
 * a prefix (`FOO=1 cmd`), `"shell"` for the rest of the line. Returns `true`
 * when `PATH` changed for the command.
 */
export function applyAssignment(
  col: Collector,
  name: string,
  value: Arg | null,
  env: RunEnv,
  scope: "command" | "shell",
): boolean {
  if (name === "PATH") {
    if (scope === "shell") col.pathChanged = true;
    return true;
  }
  if (name === "CDPATH") col.cdpathSet = true;
  else if (name === "HOME") col.homeChanged = true;
  else if (COMMAND_VARIABLES.has(name)) {
    col.inlineEval = true;
    const text = exact(value ?? undefined);
    if (text === null) col.addDynamic(`${name}=${value?.source ?? ""}`, [], env);
    else if (text.trim() !== "") col.nested(text, env, `${name}=`);
  } else if (CODE_VARIABLES.has(name) || CODE_PREFIXES.test(name)) {
    col.inlineEval = true;
    if (value !== null && /^(LD_|DYLD_|BASH_ENV$|ENV$|PYTHONSTARTUP$)/.test(name)) {
      for (const part of (value.text ?? value.prefix).split(":")) {
        if (part !== "") {
          col.addPath(
            "read",
            { ...value, text: value.text === null ? null : part, prefix: part },
            env.cwd,
          );
        }
      }
    }
  }
  return false;
}

/** Is `name` one whose assignment {@link applyAssignment} cares about? */
export function isSpecialVariable(name: string): boolean {
  return name === "PATH" || name === "CDPATH" || name === "HOME" || COMMAND_VARIABLES.has(name) ||
    CODE_VARIABLES.has(name) || CODE_PREFIXES.test(name);
}
