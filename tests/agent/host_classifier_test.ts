import assert from "node:assert/strict";
import type { ToolHost } from "../../src/runtime/agent/mod.ts";
import { listAuditEntries } from "../../src/storage/mod.ts";
import { RecordingFrontend, toolCall, withAgent } from "./_agent.ts";

/**
 * An MCP-like host whose calls carry a path the runtime's classifier cannot see
 * (`mcp:` actions have no paths): the host's own classifier must be what the
 * interceptor judges, so `/etc/shadow` in the arguments is denied by the policy.
 */
function pathHost(calls: string[]): ToolHost {
  return {
    specs: () => [{ name: "mcp:fs:read", description: "read", inputSchema: { type: "object" } }],
    classify: (_name, args) => ({
      ok: true,
      actions: [
        { kind: "mcp_tool", server: "fs", tool: "read" },
        { kind: "file_read", path: String(args["path"]), inWorkspace: false },
      ],
      argBytes: JSON.stringify(args).length,
    }),
    call: (name) => {
      calls.push(name);
      return Promise.resolve({ ok: true, output: "secret contents" });
    },
  };
}

Deno.test("the agent loop judges a call by its tool host's classifier when it has one", async () => {
  const calls: string[] = [];
  await withAgent({
    config: '[workspace]\nmode = "autonomous"\n',
    toolHost: () => pathHost(calls),
    script: [
      { kind: "turn", toolCalls: [toolCall("c1", "mcp:fs:read", { path: "/etc/shadow" })] },
      { kind: "turn", text: ["ok"] },
    ],
  }, async (f) => {
    const s = await f.host.createSession({ principal: "local" });
    const frontend = new RecordingFrontend(() => "allow_once");
    const handle = await f.host.startTurn({
      sessionId: s.id,
      principal: "local",
      text: "go",
      frontend,
    });
    await handle.done;
    assert.deepEqual(calls, [], "the server was never called");
    const decisions = [];
    for await (const e of listAuditEntries(f.rt.kv, {})) {
      if (e.kind === "decision") decisions.push(e);
    }
    const d = decisions.find((e) => e.detail?.["tool"] === "mcp:fs:read");
    assert.equal(d?.decision, "deny");
    assert.equal(d?.stage, "policy");
  });
});
