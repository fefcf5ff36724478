/**
 * `write_file`: create or replace a file atomically, creating parent folders
 * inside the workspace. The approval prompt shows a diff against the current content.
 *
 * @module
 */

import { posix } from "node:path";
import { createTwoFilesPatch } from "diff";
import { confineForUse } from "../workspace/mod.ts";
import { Args } from "./args.ts";
import { atomicWrite } from "./atomic_write.ts";
import { decodeText } from "./read_file.ts";
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
  try {
    const bytes = await Deno.readFile(c.path);
    if (bytes.length > ctx.limits.read_max_bytes) {
      return `[existing file of ${bytes.length} bytes]\n`;
    }
    const t = decodeText(bytes);
    return t.ok ? t.text : "[existing binary file]\n";
  } catch {
    return "";
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
    try {
      await Deno.mkdir(posix.dirname(c.path), { recursive: true });
      // Creating folders must not have moved the target outside (re-check at use).
      const again = confineForUse(ctx.workspace, args.path, "write", ctx.allowOutside);
      if (!again.ok || again.path !== c.path) {
        return toolError(`write_file refused: "${args.path}" changed while it was written`);
      }
      await atomicWrite(c.path, data, ctx.signal);
    } catch (e) {
      return toolError(`write_file: cannot write "${args.path}": ${(e as Error).message}`);
    }
    return {
      ok: true,
      output: `Wrote ${data.length} bytes to ${args.path}`,
      data: { path: c.path, bytes: data.length },
    };
  },
};
