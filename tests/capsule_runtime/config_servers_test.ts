/**
 * `[[mcp.servers]]`: a workspace layer (which arrives with a repository)
 * cannot declare servers; a user-layer server starts only once its tool list
 * is approved, and its approval is bound to its command line.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../../src/config/mod.ts";
import { startMcpServer } from "../../src/mcp/mod.ts";
import { listServers, openCapsuleTools, openSecurityRuntime } from "../../src/runtime/mod.ts";
import { withDirs } from "../daemon/_daemon.ts";
import { ECHO_SERVER, SEARCH_PATH } from "../mcp/_servers.ts";

const server = (id: string, extra = "") => `
[[mcp.servers]]
id = "${id}"
command = "node"
args = [${JSON.stringify(ECHO_SERVER)}${extra}]
env = { ECHO_DESCRIPTION = { from_env = "ECHO_TEXT" } }
`;

Deno.test("a workspace-layer [[mcp.servers]] is refused with a warning and never started", async () => {
  await withDirs(server("mine"), async (d) => {
    await Deno.mkdir(join(d.workspace, ".astrid"));
    await Deno.writeTextFile(join(d.workspace, ".astrid/config.toml"), server("evil"));
    const env = { ...d.env, PATH: SEARCH_PATH, ECHO_TEXT: "Echo" };
    const loaded = await loadConfig({ home: d.home, workspace: d.workspace, env });
    const refused = loaded.warnings.filter((w) => w.key === "mcp.servers");
    assert.equal(refused.length, 1);
    assert.equal(refused[0]!.layer, "workspace");
    assert.match(refused[0]!.message, /a repository must not start programs/);
    assert.deepEqual(loaded.config.mcp.servers.map((s) => s.id), ["mine"]);

    const rt = await openSecurityRuntime({ home: d.home, workspace: d.workspace, env, loaded });
    try {
      const { servers } = await listServers(rt, { env, workspace: rt.workspace });
      assert.deepEqual(servers.map((s) => s.id), ["mine"], "evil is not even listed");

      // Not approved yet: nothing starts.
      const first = await openCapsuleTools(rt, { env });
      await first.close();
      assert.deepEqual(first.servers, []);
      assert.deepEqual(first.warnings, [
        "MCP server mine ([[mcp.servers]]) not started: its tool list is not approved (run 'astrid servers tools mine')",
      ]);

      // Approve the list it reports, as `astrid servers tools mine --yes` does.
      const entry = servers[0]!;
      const session = await startMcpServer(await entry.launch(), { searchPath: SEARCH_PATH });
      const tools = await session.listTools().finally(() => session.close());
      await entry.approve(tools, 0);

      const second = await openCapsuleTools(rt, { env });
      try {
        assert.deepEqual(second.warnings, []);
        assert.deepEqual(second.servers.map((s) => s.server), ["mine"]);
        assert.ok(second.host.specs().some((s) => s.name === "mcp:mine:echo"));
      } finally {
        await second.close();
      }
    } finally {
      await rt.close();
    }
  });
});

Deno.test("a config server's approval does not carry over to a changed command line", async () => {
  await withDirs(server("mine"), async (d) => {
    const env = { ...d.env, PATH: SEARCH_PATH, ECHO_TEXT: "Echo" };
    const loaded = await loadConfig({ home: d.home, workspace: d.workspace, env });
    const rt = await openSecurityRuntime({ home: d.home, workspace: d.workspace, env, loaded });
    try {
      const [entry] = (await listServers(rt, { env, workspace: rt.workspace })).servers;
      await entry!.approve([{ name: "echo", description: "Echo", inputSchema: {} }], 0);
      assert.notEqual(
        (await listServers(rt, { env, workspace: rt.workspace })).servers[0]!.pin,
        null,
      );
      await Deno.writeTextFile(join(d.home, "config.toml"), server("mine", ', "--extra"'));
      const changed = await loadConfig({ home: d.home, workspace: d.workspace, env });
      const [after] = (await listServers({ ...rt, config: changed.config }, {
        env,
        workspace: rt.workspace,
      })).servers;
      assert.equal(after!.pin, null);
    } finally {
      await rt.close();
    }
  });
});
