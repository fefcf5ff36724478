/**
 * `write_file`: create or replace a file atomically, creating parent folders
 * inside the workspace. The approval prompt shows a diff against the current content.
 *
 * @module
 */

import { createTwoFilesPatch } from "diff";
import { confineForUse } from "../workspace/mod.ts";
import { Args } from "./args.ts";
import { decodeText, readOpened, REFUSALS } from "./read_file.ts";
import type { ToolContext, ToolDefinition, ToolPreview } from "./tool.ts";
import { toolError } from "./tool.ts";

interface WriteArgs {
  path: string;
  content: string;
}

/** Current text of `path` for a diff ("" when absent; a note when binary or unreadable). */
export async function currentText(path: string, ctx: ToolContext): Promise<string> {
  const c = confineForUse(ctx.workspace, path, "read", ctx.allowOutside);
  if (!c.ok) return "";
  const opened = await ctx.workspace.openForRead(c.path, { allowOutside: ctx.allowOutside });
  if (!opened.ok) return "";
  try {
    if (opened.info.size > ctx.limits.read_max_bytes) {
      return `[existing file of ${opened.info.size} bytes]\n`;
    }
    const t = decodeText(await readOpened(opened.file, opened.info.size, ctx.signal));
    return t.ok ? t.text : "[existing binary file]\n";
  } catch {
    return "";
  } finally {
    opened.file.close();
  }
}

/** A unified diff for the approval prompt. */
export function diffPreview(path: string, before: string, after: string): ToolPreview {
  return {
    kind: "diff",
    text: createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, "", "", { context: 3 }),
  };
}

export const writeFileTool: ToolDefinition<WriteArgs> = {
  name: "write_file",
  description: "Create or replace a file in the workspace with the given content (atomic).",
  inputSchema: {
    type: "object",
    properties: {
      path: { type: "string", description: "File path, relative to the workspace root" },
      content: { type: "string", description: "The complete new content" },
    },
    required: ["path", "content"],
    additionalProperties: false,
  },
  parse(raw) {
    const a = new Args("write_file", raw, ["path", "content"]);
    return { path: a.nonEmpty("path"), content: a.string("content") };
  },
  async preview(args, ctx) {
    return diffPreview(args.path, await currentText(args.path, ctx), args.content);
  },
  async execute(args, ctx) {
    const c = confineForUse(ctx.workspace, args.path, "write", ctx.allowOutside);
    if (!c.ok) return toolError(`write_file refused: ${c.reason}`);
    const data = new TextEncoder().encode(args.content);
    // The boundary makes missing folders one at a time (each verified), writes
    // a temporary file verified to sit in the canonical folder, and renames it
    // into place: a folder swapped for a link after the decision is refused
    // before any data is written.
    const w = await ctx.workspace.writeAtomic(c.path, data, {
      allowOutside: ctx.allowOutside,
      signal: ctx.signal,
    });
    if (!w.ok) {
      return toolError(
        REFUSALS.has(w.code)
          ? `write_file refused: ${w.reason}`
          : `write_file: cannot write "${args.path}": ${w.reason}`,
      );
    }
    return {
      ok: true,
      output: `Wrote ${data.length} bytes to ${args.path}`,
      data: { path: c.path, bytes: data.length },
    };
  },
};
