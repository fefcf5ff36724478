/**
 * The seven built-in tools (`src/tools/`) as the agent runtime's `ToolHost`:
 * the daemon's agents get the same tools `astrid tool call` runs. The agent
 * loop has already classified each call and passed it through the
 * interceptor; the tools still confine every path at use, to the agent's
 * own folder (a sub-agent's narrower root included).
 *
 * @module
 */

import type { LlmToolSpec } from "../../llm/mod.ts";
import type { AgentToolContext, ToolHost, ToolOutput } from "../../runtime/agent/mod.ts";
import { builtinTool, type SecurityRuntime, toolLimits } from "../../runtime/mod.ts";
import { builtinTools } from "../../tools/mod.ts";
import { WorkspaceBoundary } from "../../workspace/mod.ts";

/** A `ToolHost` over the built-in tools with `rt`'s `[tools]` limits and `env` for commands. */
export function builtinToolHost(
  rt: SecurityRuntime,
  env: Readonly<Record<string, string>>,
): ToolHost {
  const specs: LlmToolSpec[] = builtinTools().map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: t.inputSchema,
  }));
  const limits = toolLimits(rt);
  const contextOf = (ctx: AgentToolContext) => ({
    workspace: WorkspaceBoundary.open(ctx.root),
    signal: ctx.signal,
    limits,
    env,
    allowOutside: ctx.allowOutside,
  });
  return {
    specs: () => specs,
    async preview(name, args, ctx) {
      const tool = builtinTool(name);
      if (tool?.preview === undefined) return undefined;
      try {
        return (await tool.preview(tool.parse(args), contextOf(ctx)))?.text;
      } catch {
        return undefined;
      }
    },
    async call(name, args, ctx): Promise<ToolOutput> {
      const tool = builtinTool(name);
      if (tool === undefined) return failed(`no built-in tool "${name}"`);
      try {
        const r = await tool.execute(tool.parse(args), contextOf(ctx));
        return r.error !== undefined
          ? { ok: r.ok, output: r.output, error: r.error }
          : { ok: r.ok, output: r.output };
      } catch (e) {
        return failed(`${name} failed: ${(e as Error).message}`);
      }
    },
  };
}

function failed(message: string): ToolOutput {
  return { ok: false, output: message, error: message };
}
