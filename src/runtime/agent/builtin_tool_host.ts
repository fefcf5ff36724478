/**
 * The built-in tools (`src/tools/`) as the agent's {@link ToolHost}. Each
 * call runs with a workspace boundary rooted at the agent's own folder (a
 * sub-agent's narrower folder confines its tools too), the `[tools]` limits,
 * and outside paths accepted only when the interceptor allowed an escape.
 *
 * @module
 */

import type { LlmToolSpec } from "../../llm/mod.ts";
import { builtinTools, type ToolContext } from "../../tools/mod.ts";
import { WorkspaceBoundary } from "../../workspace/mod.ts";
import { toolLimits } from "../run_tool.ts";
import type { SecurityRuntime } from "../security_runtime.ts";
import type { AgentToolContext, ToolHost, ToolOutput } from "./tool_host.ts";

/** The seven built-in tools over `rt`'s config; `env` is what `bash` filters. */
export function builtinToolHost(
  rt: SecurityRuntime,
  env: Readonly<Record<string, string>>,
): ToolHost {
  const tools = new Map(builtinTools().map((t) => [t.name, t]));
  const limits = toolLimits(rt);
  const boundaries = new Map<string, WorkspaceBoundary>();
  const contextOf = (ctx: AgentToolContext): ToolContext => {
    let workspace = boundaries.get(ctx.root);
    if (!workspace) {
      workspace = WorkspaceBoundary.open(ctx.root);
      boundaries.set(ctx.root, workspace);
    }
    return { workspace, signal: ctx.signal, limits, env, allowOutside: ctx.allowOutside };
  };
  const specs: LlmToolSpec[] = [...tools.values()].map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: t.inputSchema,
  }));
  return {
    specs: () => specs,
    async preview(name, args, ctx) {
      const tool = tools.get(name);
      if (!tool?.preview) return undefined;
      const preview = await tool.preview(tool.parse(args), contextOf(ctx));
      return preview?.text;
    },
    async call(name, args, ctx): Promise<ToolOutput> {
      const tool = tools.get(name);
      if (!tool) return { ok: false, output: `no built-in tool "${name}"`, error: "unknown tool" };
      let parsed: unknown;
      try {
        parsed = tool.parse(args);
      } catch (e) {
        const message = (e as Error).message;
        return { ok: false, output: message, error: message };
      }
      const r = await tool.execute(parsed, contextOf(ctx));
      return { ok: r.ok, output: r.output, ...(r.error !== undefined ? { error: r.error } : {}) };
    },
  };
}
