/**
 * `mcpToolHost`: pinned tools offered as `mcp:<server>:<tool>`, and the second
 * gate that refuses a call whose arguments name a file the policy denies, even
 * though the agent loop's own classification sees no paths in an MCP call.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type ApprovedServer, mcpToolHost, type McpToolInfo } from "../../src/mcp/mod.ts";
import { withRuntime } from "../security/_runtime.ts";

const tool = (name: string, readOnly: boolean): McpToolInfo => ({
  name,
  description: `${name} a file`,
  inputSchema: { type: "object", properties: { path: { type: "string" } } },
  annotations: { readOnlyHint: readOnly },
});

Deno.test("mcpToolHost() offers pinned tools and refuses denied paths before the server sees them", async () => {
  await withRuntime({}, async (rt, { workspace }) => {
    const sent: string[] = [];
    const server: ApprovedServer = {
      server: "fs",
      capsule: "files",
      cwd: workspace,
      tools: [tool("read", true), tool("write", false), tool("bad name!", true)],
      session: {
        callTool: (name, args) => {
          sent.push(`${name} ${JSON.stringify(args)}`);
          return Promise.resolve({ ok: true, text: `did ${name}` });
        },
      },
    };
    const host = mcpToolHost(rt, [server]);
    assert.deepEqual(host.specs().map((s) => s.name), ["mcp:fs:read", "mcp:fs:write"]);
    const signal = new AbortController().signal;

    const denied = [
      ["mcp:fs:read", { path: "/etc/shadow" }],
      ["mcp:fs:write", { path: "/etc/cron.d/evil" }],
      ["mcp:fs:read", { path: "../../../../../../proc/self/environ" }],
      ["mcp:fs:write", { path: join(workspace, ".git/hooks/pre-commit") }],
      ["mcp:fs:read", { path: "~/.ssh/id_rsa" }],
    ] as const;
    for (const [name, args] of denied) {
      const r = await host.call(name, args, { signal });
      assert.equal(r.ok, false, `${name} ${JSON.stringify(args)}`);
      assert.match(r.error!, /refused/);
    }
    assert.deepEqual(sent, [], "nothing denied reached the server");

    const ok = await host.call("mcp:fs:write", { path: join(workspace, "notes.txt") }, { signal });
    assert.deepEqual(ok, { ok: true, output: "did write" });
    const unknown = await host.call("mcp:fs:bad name!", {}, { signal });
    assert.equal(unknown.ok, false);
    const other = await host.call("mcp:other:read", {}, { signal });
    assert.match(other.error!, /no MCP tool "mcp:other:read"/);
    assert.equal(sent.length, 1);
  });
});
