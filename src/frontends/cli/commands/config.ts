/**
 * `astrid config show|validate|paths`: look at the layered configuration.
 * Also exports {@link loadConfigForCommand}, the one way a command loads
 * config (global `--workspace`/`--set`, warnings to stderr).
 *
 * @module
 */

import { type Command, Option } from "commander";
import { UsageError } from "../../../core/mod.ts";
import {
  type ConfigFileStatus,
  configPaths,
  type ConfigProblem,
  formatProblem,
  formatProblems,
  loadConfig,
  type LoadedConfig,
  redactConfig,
  renderConfigToml,
  resolveHome,
  resolveWorkspace,
  tryLoadConfig,
  validateConfigFile,
} from "../../../config/mod.ts";
import type { CliContext, CliIo, GlobalOptions, RegisterCommand } from "../context.ts";

/** Load the config for `cmd` (honouring `--workspace` and `--set`); warnings go to stderr. */
export async function loadConfigForCommand(ctx: CliContext, cmd: Command): Promise<LoadedConfig> {
  const loaded = await loadConfig(loadOptions(ctx, cmd));
  printWarnings(ctx.io, loaded.warnings);
  return loaded;
}

/** `astrid: warning: <file>: <key>: ...`, one line per warning. */
export function printWarnings(io: CliIo, warnings: readonly ConfigProblem[]): void {
  for (const w of warnings) io.stderr(`astrid: warning: ${formatProblem(w)}\n`);
}

function loadOptions(ctx: CliContext, cmd: Command) {
  const globals = cmd.optsWithGlobals() as GlobalOptions;
  return {
    home: resolveHome(ctx.env),
    workspace: resolveWorkspace(ctx.cwd, globals.workspace),
    env: ctx.env,
    sets: globals.set ?? [],
  };
}

/** Register `config` and its subcommands. */
export const registerConfigCommand: RegisterCommand = (program, ctx) => {
  const config = program.command("config").description("View and validate configuration")
    .addHelpText(
      "after",
      `
Layers, lowest to highest: built-in defaults, system (/etc/astrid/config.toml),
user ($ASTRID_HOME/config.toml), workspace (.astrid/config.toml), ASTRID_<SECTION>__<KEY>
environment variables, --set section.key=value. The workspace layer may only tighten.

Examples:
  $ astrid config show --origin
  $ astrid config validate .astrid/config.toml
  $ astrid config paths --json`,
    );

  config.command("show")
    .description("Print the resolved configuration (secrets redacted)")
    .option("--json", "print JSON")
    .option("--origin", "show which layer and file set each key")
    .addHelpText(
      "after",
      `
Examples:
  $ astrid config show
  $ astrid config show --origin
  $ astrid --set budget.session_usd=2 config show --json
  $ ASTRID_WORKSPACE__MODE=guided astrid config show --origin`,
    )
    .action(async (opts: { json?: boolean; origin?: boolean }, cmd: Command) => {
      const loaded = await loadConfigForCommand(ctx, cmd);
      const shown = redactConfig(loaded.config);
      if (opts.json) {
        const out = opts.origin ? { config: shown, origins: loaded.origins } : { config: shown };
        ctx.io.stdout(`${toJson(out)}\n`);
      } else {
        ctx.io.stdout(renderConfigToml(shown, opts.origin ? loaded.origins : undefined));
      }
    });

  config.command("validate")
    .description("Check the configuration (or one FILE) and list every problem")
    .argument(
      "[file]",
      "validate only this file (a workspace .astrid/config.toml or a user config)",
    )
    .addOption(
      new Option("--as <layer>", "check FILE as this layer (default: from its path)").choices([
        "user",
        "workspace",
      ]),
    )
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Exit status: 0 when valid, 1 when there are problems (all are listed).
Without FILE, every layer is loaded as 'astrid' would load it. A FILE named
'.astrid/config.toml' (other than the user config in the home folder) is
checked as a workspace layer, so what it may not loosen is reported as
warnings; any other FILE as a user layer. --as overrides the guess.

Examples:
  $ astrid config validate
  $ astrid config validate .astrid/config.toml
  $ astrid config validate ~/.astrid/config.toml --json
  $ astrid config validate shared.toml --as workspace`,
    )
    .action(async (
      file: string | undefined,
      opts: { json?: boolean; as?: "user" | "workspace" },
      cmd: Command,
    ) => {
      let errors: readonly ConfigProblem[];
      let warnings: readonly ConfigProblem[];
      let files: { layer: string; path: string; exists: boolean }[];
      if (opts.as !== undefined && file === undefined) {
        throw new UsageError("config validate: --as needs a FILE to check");
      }
      if (file !== undefined) {
        const path = resolveWorkspace(ctx.cwd, file);
        const kind = opts.as ?? guessLayer(path, ctx.env);
        const r = await validateConfigFile(path, kind);
        [errors, warnings, files] = [r.errors, r.warnings, [{
          layer: kind,
          path,
          exists: r.exists,
        }]];
      } else {
        const r = await tryLoadConfig(loadOptions(ctx, cmd));
        [errors, warnings, files] = [r.ok ? [] : r.errors, r.warnings, [...r.files]];
      }
      const valid = errors.length === 0;
      if (opts.json) {
        ctx.io.stdout(`${toJson({ valid, files, errors, warnings })}\n`);
      } else {
        printWarnings(ctx.io, warnings);
        const checked = files.filter((f) => f.exists).map((f) => f.path);
        ctx.io.stdout(
          valid
            ? `valid: ${
              checked.length ? checked.join(", ") : "no config files; built-in defaults"
            }\n`
            : `${formatProblems("invalid configuration", errors)}\n`,
        );
      }
      if (!valid) ctx.setExitCode(1);
    });

  config.command("paths")
    .description("List each layer's file and whether it exists")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Examples:
  $ astrid config paths
  $ ASTRID_HOME=/tmp/astrid astrid config paths --json`,
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const o = loadOptions(ctx, cmd);
      const paths = configPaths(o);
      const files: ConfigFileStatus[] = [];
      for (const layer of ["system", "user", "workspace"] as const) {
        files.push({ layer, path: paths[layer], exists: await exists(paths[layer]) });
      }
      const env = Object.keys(ctx.env).filter((n) => n.startsWith("ASTRID_") && n.includes("__"))
        .sort();
      if (opts.json) {
        ctx.io.stdout(`${toJson({ layers: files, env, sets: o.sets })}\n`);
        return;
      }
      const rows = files.map((f) =>
        `${f.layer.padEnd(10)} ${f.path}${f.exists ? "" : "  (not found)"}`
      );
      rows.push(
        `${"env".padEnd(10)} ASTRID_<SECTION>__<KEY>: ${env.length ? env.join(", ") : "none set"}`,
      );
      rows.push(`${"cli".padEnd(10)} --set: ${o.sets.length ? o.sets.join(" ") : "none"}`);
      ctx.io.stdout(`${rows.join("\n")}\n`);
    });
};

/** A `.astrid/config.toml` is a workspace file, unless it is the user's own config. */
function guessLayer(path: string, env: CliContext["env"]): "user" | "workspace" {
  const home = env.ASTRID_HOME || env.HOME ? resolveHome(env) : undefined;
  if (home !== undefined && path === configPaths({ home, workspace: "/" }).user) return "user";
  return /(^|\/)\.astrid\/config\.toml$/.test(path) ? "workspace" : "user";
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** JSON with unset keys shown as `null` rather than dropped. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v === undefined ? null : v), 2);
}
