/**
 * MCP costs, side by side in one run: a tool call sent straight to a real
 * stdio server vs. the same call through runMcpTool (classification with
 * path arguments, the interceptor with an in-memory state file, the
 * completion record); classifying a call; hashing a 14-tool list.
 *
 * Run: deno bench -A tests/bench/mcp_bench.ts
 */

import { join } from "node:path";
import { openSecurityRuntime } from "../../src/runtime/mod.ts";
import {
  type ApprovedServer,
  classifyMcpCall,
  runMcpTool,
  startMcpServer,
  toolListHash,
} from "../../src/mcp/mod.ts";
import { filesystemServer, SEARCH_PATH } from "../mcp/_servers.ts";

const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-mcp-bench-" }));
const home = join(root, "home");
const workspace = join(root, "ws");
await Deno.mkdir(home, { mode: 0o700 });
await Deno.mkdir(workspace);
await Deno.writeTextFile(join(home, "config.toml"), '[workspace]\nmode = "autonomous"\n');
await Deno.writeTextFile(join(workspace, "notes.txt"), "hello");
const rt = await openSecurityRuntime({
  home,
  workspace,
  env: { ASTRID_SYSTEM_CONFIG: join(root, "none.toml") },
  // MCP calls ask in every mode: the first is allowed for the session, the rest use that allowance.
  channel: {
    request: (r) =>
      Promise.resolve({
        kind: "answered",
        decision: "allow_session",
        actionHash: r.actionHash,
        answeredBy: "bench",
      }),
  },
});
const session = await startMcpServer({
  server: "filesystem",
  command: "node",
  args: [filesystemServer(), workspace],
  env: {},
  cwd: workspace,
}, { searchPath: SEARCH_PATH });
const tools = await session.listTools();
const host: ApprovedServer = { server: "filesystem", cwd: workspace, tools, session };
const args = { path: join(workspace, "notes.txt") };
const ctx = { sessionId: "bench", principal: "local", signal: new AbortController().signal };
const first = await runMcpTool(rt, host, "get_file_info", args, ctx);
if (first.kind !== "ran" || !first.result.ok) throw new Error(`setup: ${JSON.stringify(first)}`);

// The server ends when this process does (its stdin closes); the temp folder goes now.
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));

Deno.bench(
  "get_file_info sent straight to the server",
  { group: "call", baseline: true },
  async () => {
    await session.callTool("get_file_info", args);
  },
);

Deno.bench("get_file_info through runMcpTool (classify, intercept, complete)", {
  group: "call",
}, async () => {
  await runMcpTool(rt, host, "get_file_info", args, ctx);
});

Deno.bench("classifyMcpCall, one path argument", () => {
  classifyMcpCall(rt, {
    server: "filesystem",
    tool: "get_file_info",
    args,
    cwd: workspace,
    readOnly: true,
  });
});

Deno.bench(`toolListHash of ${tools.length} tools`, () => {
  toolListHash(tools);
});
