/**
 * `edit_file`: replace an exact piece of text. Fails when the text is
 * missing, or appears more than once unless `replace_all` is asked, so an
 * edit never lands somewhere the model did not mean.
 *
 * @module
 */

import { confineForUse } from "../workspace/mod.ts";
import { Args } from "./args.ts";
import { decodeText, readOpened, REFUSALS } from "./read_file.ts";
import { diffPreview } from "./write_file.ts";
import { type ToolContext, type ToolDefinition, toolError } from "./tool.ts";

interface EditArgs {
  path: string;
  old_string: string;
  new_string: string;
  replace_all?: boolean | undefined;
}

type Planned = { ok: true; path: string; before: string; after: string; count: number } | {
  ok: false;
  message: string;
};

async function plan(args: EditArgs, ctx: ToolContext, op: "read" | "write"): Promise<Planned> {
  const c = confineForUse(ctx.workspace, args.path, op, ctx.allowOutside);
  if (!c.ok) return { ok: false, message: `edit_file refused: ${c.reason}` };
  const opened = await ctx.workspace.openForRead(c.path, {
    allowOutside: ctx.allowOutside,
    signal: ctx.signal,
  });
  if (!opened.ok) {
    return {
      ok: false,
      message: REFUSALS.has(opened.code)
        ? `edit_file refused: ${opened.reason}`
        : `edit_file: cannot read "${args.path}": ${opened.reason}`,
    };
  }
  let bytes: Uint8Array;
  try {
    if (opened.info.size > ctx.limits.read_max_bytes) {
      return { ok: false, message: `edit_file: "${args.path}" is over the size limit` };
    }
    bytes = await readOpened(opened.file, opened.info.size, ctx.signal);
  } catch (e) {
    return { ok: false, message: `edit_file: cannot read "${args.path}": ${(e as Error).message}` };
  } finally {
    opened.file.close();
  }
  const t = decodeText(bytes);
  if (!t.ok) return { ok: false, message: `edit_file: refusing "${args.path}": ${t.reason}` };
  const count = t.text.split(args.old_string).length - 1;
  if (count === 0) {
    return { ok: false, message: `edit_file: old_string was not found in "${args.path}"` };
  }
  if (count > 1 && !args.replace_all) {
    return {
      ok: false,
      message:
        `edit_file: old_string appears ${count} times in "${args.path}"; give more context or set replace_all`,
    };
  }
  const after = args.replace_all
    ? t.text.split(args.old_string).join(args.new_string)
    : t.text.replace(args.old_string, () => args.new_string);
  return { ok: true, path: c.path, before: t.text, after, count };
}

export const editFileTool: ToolDefinition<EditArgs> = {
  name: "edit_file",
  description:
    "Replace exact text in a file. old_string must be unique unless replace_all is true.",
  inputSchema: {
    type: "object",
    properties: {
      path: { type: "string" },
      old_string: { type: "string", description: "Exact text to replace" },
      new_string: { type: "string", description: "Replacement text" },
      replace_all: { type: "boolean", description: "Replace every occurrence" },
    },
    required: ["path", "old_string", "new_string"],
    additionalProperties: false,
  },
  parse(raw) {
    const a = new Args("edit_file", raw, ["path", "old_string", "new_string", "replace_all"]);
    const old_string = a.string("old_string");
    if (old_string.length === 0) {
      throw new TypeError(`edit_file: argument "old_string" must not be empty`);
    }
    return {
      path: a.nonEmpty("path"),
      old_string,
      new_string: a.string("new_string"),
      replace_all: a.bool("replace_all"),
    };
  },
  async preview(args, ctx) {
    const p = await plan(args, ctx, "read");
    return p.ok ? diffPreview(args.path, p.before, p.after) : { kind: "text", text: p.message };
  },
  async execute(args, ctx) {
    const p = await plan(args, ctx, "write");
    if (!p.ok) return toolError(p.message);
    const w = await ctx.workspace.writeAtomic(p.path, new TextEncoder().encode(p.after), {
      allowOutside: ctx.allowOutside,
      signal: ctx.signal,
    });
    if (!w.ok) {
      return toolError(
        REFUSALS.has(w.code)
          ? `edit_file refused: ${w.reason}`
          : `edit_file: cannot write "${args.path}": ${w.reason}`,
      );
    }
    return {
      ok: true,
      output: `Replaced ${p.count} occurrence(s) in ${args.path}`,
      data: { path: p.path, replacements: p.count },
    };
  },
};
