/**
 * The daemon offers an installed capsule's MCP tools (the real
 * `@modelcontextprotocol/server-filesystem`, allowed the whole disk) and its
 * static context to the model; a call naming `/etc/...` is denied by the
 * policy before it reaches the server; `servers.running` lists the server
 * while the daemon runs, and the daemon stops it on shutdown.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { CapturedIo, runCli } from "../../src/frontends/cli/mod.ts";
import { DaemonClient } from "../../src/frontends/daemon/mod.ts";
import { ScriptedLlmProvider } from "../../src/llm/mod.ts";
import { startDaemon, textReply, toolReply, withDirs } from "../daemon/_daemon.ts";
import { filesystemServer, gone, SEARCH_PATH } from "../mcp/_servers.ts";

const manifest = () => `
[package]
name = "files"
version = "1.0.0"

[context]
text = "Files capsule context: prefer small reads."

[[mcp_server]]
id = "fs"
type = "stdio"
command = "node"
args = [${JSON.stringify(filesystemServer())}, "/"]
`;

type TurnEvent = { event: { kind: string; name?: string; status?: string; output?: string } };

Deno.test("daemon: a capsule's MCP tool is offered, an /etc path is denied before the server sees it", async () => {
  await withDirs("", async (d0) => {
    const d = { ...d0, env: { ...d0.env, PATH: SEARCH_PATH } };
    const src = join(d.root, "src");
    await Deno.mkdir(src);
    await Deno.writeTextFile(join(src, "Capsule.toml"), manifest());
    const io = new CapturedIo({ answers: [""] });
    const code = await runCli(["capsule", "install", src, "--yes"], {
      io,
      env: { ...d.env, ASTRID_HOME: d.home, USER: "tester" },
      cwd: d.workspace,
    });
    assert.equal(code, 0, io.err);

    const provider = new ScriptedLlmProvider([
      toolReply("c1", "mcp:fs:read_text_file", { path: "/etc/passwd" }),
      textReply("could not read it"),
    ]);
    const daemon = await startDaemon(d, { provider });
    const client = await DaemonClient.connect({ port: daemon.state.port, token: daemon.token });
    let serverPid = 0;
    try {
      const running = await client.call<{ servers: { server: string; pid: number }[] }>(
        "servers.running",
      );
      assert.deepEqual(running.servers.map((s) => s.server), ["fs"]);
      serverPid = running.servers[0]!.pid;

      const events: TurnEvent["event"][] = [];
      client.onNotification((m, p) => m === "turn.event" && events.push((p as TurnEvent).event));
      const { session } = await client.call<{ session: { id: string } }>("session.create");
      const done = client.next(
        "turn.event",
        (p: TurnEvent) => p.event.kind === "turn_complete",
      );
      await client.call("turn.send", { sessionId: session.id, text: "read /etc/passwd" });
      await done;

      const request = provider.requests[0]!;
      const names = request.tools.map((t) => t.name);
      assert.ok(names.includes("mcp:fs:read_text_file"), names.join(", "));
      assert.ok(names.includes("read_file"), "the built-in tools are still offered");
      assert.match(JSON.stringify(request), /Files capsule context: prefer small reads\./);

      const result = events.find((e) => e.kind === "tool_result");
      assert.ok(result, JSON.stringify(events));
      assert.doesNotMatch(JSON.stringify(result), /root:x:0:0/, "the server never read the file");
      assert.match(JSON.stringify(result), /denied|refused/i);
    } finally {
      await client.close();
      await daemon.stop();
    }
    assert.ok(await gone(serverPid), "the daemon stopped the server on shutdown");
  });
});
