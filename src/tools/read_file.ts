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

/** Workspace denial codes that mean "refused" rather than "failed". */
export const REFUSALS: ReadonlySet<string> = new Set([
  "outside",
  "unresolvable",
  "changed",
  "symlink",
]);

/** Read `size` bytes (fewer if the file shrank) from an open file. */
export async function readOpened(
  file: Deno.FsFile,
  size: number,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const buf = new Uint8Array(size);
  let off = 0;
  while (off < size) {
    signal.throwIfAborted();
    const n = await file.read(buf.subarray(off));
    if (n === null) break;
    off += n;
  }
  return buf.subarray(0, off);
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
    ctx.signal.throwIfAborted();
    // Opened through the boundary: after the open, the handle's device and
    // inode are checked against what the canonical path names, so a folder
    // swapped for a link between the decision and the read is refused.
    const opened = await ctx.workspace.openForRead(c.path, {
      allowOutside: ctx.allowOutside,
      signal: ctx.signal,
    });
    if (!opened.ok) {
      return toolError(
        REFUSALS.has(opened.code)
          ? `read_file refused: ${opened.reason}`
          : `read_file: cannot read "${args.path}": ${opened.reason}`,
      );
    }
    let bytes: Uint8Array;
    try {
      if (opened.info.size > ctx.limits.read_max_bytes) {
        return toolError(
          `read_file: "${args.path}" is ${opened.info.size} bytes, over the limit of ${ctx.limits.read_max_bytes} (tools.read_max_bytes)`,
        );
      }
      bytes = await readOpened(opened.file, opened.info.size, ctx.signal);
    } catch (e) {
      return toolError(`read_file: cannot read "${args.path}": ${(e as Error).message}`);
    } finally {
      opened.file.close();
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
