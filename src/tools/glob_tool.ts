/**
 * `glob`: find files in the workspace by a glob pattern (Astrid's one glob
 * dialect: `*`, `**`, `?`, classes, braces), respecting `.gitignore`,
 * never following links, capped in results and time.
 *
 * @module
 */

import { compileGlob } from "../security/mod.ts";
import { confineForUse } from "../workspace/mod.ts";
import { Args } from "./args.ts";
import { type ToolDefinition, toolError } from "./tool.ts";
import { walkWorkspace } from "./walk_workspace.ts";

interface GlobArgs {
  pattern: string;
  path: string;
}

export const globTool: ToolDefinition<GlobArgs> = {
  name: "glob",
  description:
    "Find files in the workspace whose path matches a glob such as src/**/*.ts. Respects .gitignore.",
  inputSchema: {
    type: "object",
    properties: {
      pattern: { type: "string", description: "Glob, relative to path" },
      path: { type: "string", description: "Folder to search (default: the workspace root)" },
    },
    required: ["pattern"],
    additionalProperties: false,
  },
  parse(raw) {
    const a = new Args("glob", raw, ["pattern", "path"]);
    const pattern = a.nonEmpty("pattern");
    if (pattern.startsWith("/") || pattern.split("/").includes("..")) {
      throw new TypeError(
        `glob: argument "pattern" must be relative and without "..", got "${pattern}"`,
      );
    }
    try {
      compileGlob(pattern);
    } catch (e) {
      throw new TypeError(`glob: ${(e as Error).message}`);
    }
    return { pattern, path: a.string("path", true) ?? "." };
  },
  async execute(args, ctx) {
    const c = confineForUse(ctx.workspace, args.path, "list", ctx.allowOutside);
    if (!c.ok) return toolError(`glob refused: ${c.reason}`);
    const g = compileGlob(args.pattern);
    const found: string[] = [];
    let truncated = false;
    try {
      for await (
        const f of walkWorkspace(c.path, {
          signal: ctx.signal,
          deadline: performance.now() + ctx.limits.search_timeout_ms,
        })
      ) {
        if (!g.matches(f.rel)) continue;
        if (found.length >= ctx.limits.max_results) {
          truncated = true;
          break;
        }
        found.push(f.rel);
      }
    } catch (e) {
      return toolError(`glob: ${(e as Error).message}`);
    }
    found.sort();
    const out = found.join("\n") + (truncated ? `\n[stopped at ${found.length} results]` : "");
    return { ok: true, output: out || "No files matched.", data: { files: found, truncated } };
  },
};
