/**
 * Real temp folders for tool tests: a workspace, a sibling outside it, and a
 * tool context with short limits.
 *
 * @module
 */

import { join } from "node:path";
import { DEFAULT_TOOL_LIMITS, type ToolContext } from "../../src/tools/mod.ts";
import { WorkspaceBoundary } from "../../src/workspace/mod.ts";

export interface Fixture {
  readonly root: string;
  readonly ws: string;
  readonly outside: string;
  readonly ctx: ToolContext;
  ctxWith(over: Partial<ToolContext>): ToolContext;
}

export async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-tools-" }));
  const ws = join(root, "app");
  const outside = join(root, "app-other");
  await Deno.mkdir(ws);
  await Deno.mkdir(outside);
  await Deno.writeTextFile(join(outside, "secret.txt"), "top secret\n");
  const ctx: ToolContext = {
    workspace: WorkspaceBoundary.open(ws),
    signal: new AbortController().signal,
    limits: { ...DEFAULT_TOOL_LIMITS, bash_timeout_secs: 2, search_timeout_ms: 15_000 },
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: root },
  };
  try {
    await fn({ root, ws, outside, ctx, ctxWith: (over) => ({ ...ctx, ...over }) });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** A listing of every path and its content under `dir`, to prove nothing changed. */
export async function snapshot(dir: string): Promise<string> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isSymlink) out.push(`${p} -> ${await Deno.readLink(p)}`);
      else if (e.isDirectory) {
        out.push(`${p}/`);
        await walk(p);
      } else out.push(`${p}: ${await Deno.readTextFile(p).catch(() => "?")}`);
    }
  };
  await walk(dir);
  return out.sort().join("\n");
}
