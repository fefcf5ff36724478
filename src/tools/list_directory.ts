/**
 * `list_directory`: entries with kind and size, sorted by name, capped.
 *
 * @module
 */

import { posix } from "node:path";
import { confineForUse } from "../workspace/mod.ts";
import { Args } from "./args.ts";
import { type ToolDefinition, toolError } from "./tool.ts";

interface ListArgs {
  path: string;
}

export const listDirectoryTool: ToolDefinition<ListArgs> = {
  name: "list_directory",
  description: "List a folder of the workspace: name, kind (file, dir, symlink, other) and size.",
  inputSchema: {
    type: "object",
    properties: {
      path: {
        type: "string",
        description: "Folder, relative to the workspace root (default: the root)",
      },
    },
    additionalProperties: false,
  },
  parse(raw) {
    const a = new Args("list_directory", raw ?? {}, ["path"]);
    return { path: a.string("path", true) ?? "." };
  },
  async execute(args, ctx) {
    const c = confineForUse(ctx.workspace, args.path, "list", ctx.allowOutside);
    if (!c.ok) return toolError(`list_directory refused: ${c.reason}`);
    const entries: { name: string; kind: string; size: number }[] = [];
    let total = 0;
    try {
      for await (const e of Deno.readDir(c.path)) {
        ctx.signal.throwIfAborted();
        total++;
        let size = 0;
        try {
          size = (await Deno.lstat(posix.join(c.path, e.name))).size;
        } catch { /* vanished: size 0 */ }
        entries.push({
          name: e.name,
          kind: e.isSymlink ? "symlink" : e.isDirectory ? "dir" : e.isFile ? "file" : "other",
          size,
        });
      }
    } catch (e) {
      return toolError(`list_directory: cannot list "${args.path}": ${(e as Error).message}`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const shown = entries.slice(0, ctx.limits.max_results);
    const lines = shown.map((e) =>
      `${e.kind.padEnd(7)} ${String(e.size).padStart(10)}  ${e.name}${e.kind === "dir" ? "/" : ""}`
    );
    if (total > shown.length) lines.push(`[${total - shown.length} more entries not shown]`);
    return {
      ok: true,
      output: lines.join("\n") || "(empty folder)",
      data: { path: c.path, entries: shown, total },
    };
  },
};
