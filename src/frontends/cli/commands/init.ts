/**
 * `astrid init`: write a commented `.astrid/config.toml` into the workspace.
 * Idempotent: an existing file is never overwritten (created with O_EXCL, so
 * not through a planted symlink either).
 *
 * @module
 */

import type { Command } from "commander";
import { AstridError, UsageError } from "../../../core/mod.ts";
import {
  renderWorkspaceTemplate,
  resolveWorkspace,
  workspaceConfigPath,
} from "../../../config/mod.ts";
import type { GlobalOptions, RegisterCommand } from "../context.ts";

/** Register `init`. */
export const registerInitCommand: RegisterCommand = (program, ctx) => {
  program.command("init")
    .description("Initialize a workspace (.astrid/config.toml)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Creates <workspace>/.astrid/config.toml with every key a workspace may set,
commented out, with its description and default. The workspace file can only
tighten the system and user config. An existing file is left unchanged.

Examples:
  $ astrid init
  $ astrid --workspace ~/code/project init
  $ astrid init --json`,
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions;
      const workspace = resolveWorkspace(ctx.cwd, globals.workspace);
      const path = workspaceConfigPath(workspace);
      await requireFolder(workspace);
      const folder = path.slice(0, path.lastIndexOf("/"));
      await refuseSymlink(folder);
      const created = await createOnce(folder, path, renderWorkspaceTemplate());
      if (opts.json) {
        ctx.io.stdout(`${JSON.stringify({ path, created })}\n`);
      } else if (created) {
        ctx.io.stdout(
          `created ${path}\nEdit it to tighten this workspace; check it with: astrid config validate ${path}\n`,
        );
      } else {
        ctx.io.stdout(`${path} already exists; left unchanged\n`);
      }
    });
};

async function requireFolder(path: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(`workspace folder "${path}" does not exist`);
    }
    throw e;
  }
  if (!info.isDirectory) throw new UsageError(`workspace "${path}" is not a folder`);
}

/**
 * A repository could ship `.astrid` as a symlink to somewhere else; writing
 * through it would put a file outside the workspace.
 */
async function refuseSymlink(folder: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(folder);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  if (info.isSymlink || !info.isDirectory) {
    throw new AstridError(
      "CONFIG_INVALID",
      `"${folder}" is ${
        info.isSymlink ? "a symlink" : "not a folder"
      }; refusing to write the workspace config through it`,
    );
  }
}

/** Write `text` to `path` unless something is already there; true when written. */
async function createOnce(folder: string, path: string, text: string): Promise<boolean> {
  try {
    await Deno.mkdir(folder, { recursive: true });
    await Deno.writeTextFile(path, text, { createNew: true });
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return false;
    throw new AstridError("INTERNAL", `cannot create "${path}": ${(e as Error).message}`, {
      cause: e,
    });
  }
}
