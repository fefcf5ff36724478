/**
 * `read_file`: a text file with line numbers, a line window and a size cap.
 * Binary files are refused with a clear message rather than dumped.
 *
 * @module
 */

import { confineForUse } from "../workspace/mod.ts";
import { Args } from "./args.ts";
import { clipOutput, type ToolDefinition, toolError } from "./tool.ts";

interface ReadArgs {
  path: string;
  offset?: number | undefined;
  limit?: number | undefined;
}

/** Decode `bytes` as text, or say why it is binary. */
export function decodeText(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; reason: string } {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return { ok: false, reason: "it contains NUL bytes (binary file)" };
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, reason: "it is not valid UTF-8 (binary file)" };
  }
}

export const readFileTool: ToolDefinition<ReadArgs> = {
  name: "read_file",
  description:
    "Read a text file in the workspace, with line numbers. Use offset/limit for large files.",
  inputSchema: {
    type: "object",
    properties: {
      path: { type: "string", description: "File path, relative to the workspace root" },
      offset: { type: "integer", minimum: 1, description: "First line to return (1-based)" },
      limit: { type: "integer", minimum: 1, description: "Most lines to return" },
    },
    required: ["path"],
    additionalProperties: false,
  },
  parse(raw) {
    const a = new Args("read_file", raw, ["path", "offset", "limit"]);
    return {
      path: a.nonEmpty("path"),
      offset: a.int("offset", 1, 1e9),
      limit: a.int("limit", 1, 1e9),
    };
  },
  async execute(args, ctx) {
    const c = confineForUse(ctx.workspace, args.path, "read", ctx.allowOutside);
    if (!c.ok) return toolError(`read_file refused: ${c.reason}`);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(c.path);
    } catch (e) {
      return toolError(`read_file: cannot read "${args.path}": ${(e as Error).message}`);
    }
    if (!info.isFile) return toolError(`read_file: "${args.path}" is not a file`);
    if (info.size > ctx.limits.read_max_bytes) {
      return toolError(
        `read_file: "${args.path}" is ${info.size} bytes, over the limit of ${ctx.limits.read_max_bytes} (tools.read_max_bytes)`,
      );
    }
    ctx.signal.throwIfAborted();
    const bytes = await Deno.readFile(c.path, { signal: ctx.signal });
    // Re-check after the read: a folder swapped for a link meanwhile is refused.
    const again = confineForUse(ctx.workspace, args.path, "read", ctx.allowOutside);
    if (!again.ok || again.path !== c.path) {
      return toolError(`read_file refused: "${args.path}" changed while it was read`);
    }
    const text = decodeText(bytes);
    if (!text.ok) return toolError(`read_file: refusing "${args.path}": ${text.reason}`);
    const lines = text.text.split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
    const start = (args.offset ?? 1) - 1;
    const end = args.limit === undefined
      ? lines.length
      : Math.min(lines.length, start + args.limit);
    const width = String(end).length;
    const body = lines.slice(start, end).map((l, i) =>
      `${String(start + i + 1).padStart(width)}\t${l}`
    )
      .join("\n");
    const note = end < lines.length
      ? `\n[${lines.length - end} more lines; use offset ${end + 1}]`
      : "";
    return {
      ok: true,
      output: clipOutput(body + note, ctx.limits.max_output_bytes),
      data: { path: c.path, lines: lines.length, from: start + 1, to: end },
    };
  },
};
