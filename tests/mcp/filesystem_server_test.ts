/**
 * The MCP host engine against the REAL `@modelcontextprotocol/server-filesystem`
 * from npm, started the way an installed capsule's `[[mcp_server]]` is (plan ->
 * launch -> stdio child), with its allowed folder deliberately wider than the
 * workspace: `/`. Astrid's policy must still deny `/etc/**` paths in its
 * arguments before anything reaches the server, and the child must not see
 * Astrid's own environment. One server per file, shared by the steps.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { mcpServerLaunch, parseManifest, planCapsule } from "../../src/capsule/mod.ts";
import {
  type ApprovedServer,
  checkToolPin,
  type McpSession,
  pinTools,
  runMcpTool,
  startMcpServer,
  toolListHash,
} from "../../src/mcp/mod.ts";
import type { ApprovalRequest } from "../../src/security/mod.ts";
import { answer, ScriptedChannel, withRuntime } from "../security/_runtime.ts";
import { environOf, filesystemServer, nodeBinary, SEARCH_PATH } from "./_servers.ts";

const PARENT_SECRET_NAME = "ASTRID_MCP_TEST_PARENT_SECRET";
const PARENT_SECRET = "parent-secret-3f9c1e7a";
const DECLARED = "declared-token-81d2";
// Writes aim below a folder that does not exist: should a regression let one
// through, the server fails instead of changing /etc on a machine run as root.
const NOWHERE = "/etc/astrid-mcp-test-nonexistent";

function manifestText(): string {
  return `
[package]
name = "fs-capsule"
version = "1.0.0"

[env.FS_TOKEN]
type = "secret"
request = "A token the server is given"

[[mcp_server]]
id = "filesystem"
type = "stdio"
command = "node"
args = [${JSON.stringify(filesystemServer())}, "/"]
env = ["FS_TOKEN"]
`;
}

/** Counts what actually reaches the server. */
function counting(session: McpSession) {
  const calls: string[] = [];
  return {
    calls,
    callTool: (tool: string, args: Record<string, never>, o?: object) => {
      calls.push(tool);
      return session.callTool(tool, args, o);
    },
  };
}

Deno.test("MCP engine with the real filesystem server (allowed folder /): policy, pins, environment", async (t) => {
  nodeBinary();
  const asked: ApprovalRequest[] = [];
  const channel = new ScriptedChannel((r) => {
    asked.push(r);
    return answer("allow_once")(r);
  });
  Deno.env.set(PARENT_SECRET_NAME, PARENT_SECRET);
  await withRuntime({ channel }, async (rt, { workspace, root }) => {
    const capsuleDir = join(root, "capsule");
    await Deno.mkdir(capsuleDir);
    const manifest = parseManifest(manifestText(), "Capsule.toml");
    const plan = planCapsule(manifest, manifest.capabilities);
    const mcp = plan.engines.find((e) => e.kind === "mcp");
    assert.ok(mcp?.kind === "mcp");
    const launch = mcpServerLaunch(mcp, {
      capsuleDir,
      envSpecs: manifest.env,
      values: { FS_TOKEN: DECLARED },
    });
    assert.ok(launch.ok);
    const session = await startMcpServer(launch.launch, { searchPath: SEARCH_PATH });
    try {
      const tools = await session.listTools();
      const proxy = counting(session);
      const host: ApprovedServer = {
        server: "filesystem",
        capsule: "fs-capsule",
        cwd: capsuleDir,
        tools,
        session: proxy,
      };
      // Three denials in a row pause a session, so each hostile call gets its own.
      const call = (tool: string, args: unknown, sessionId = "s1") =>
        runMcpTool(rt, host, tool, args, {
          sessionId,
          principal: "local",
          signal: new AbortController().signal,
        });

      await t.step("its tool list is read and pinned; the same list matches its pin", async () => {
        const names = tools.map((x) => x.name);
        for (const n of ["read_text_file", "write_file", "move_file", "list_allowed_directories"]) {
          assert.ok(names.includes(n), `missing tool ${n} in ${names.join(", ")}`);
        }
        const again = await session.listTools();
        assert.equal(toolListHash(again), toolListHash(tools));
        assert.equal(checkToolPin(pinTools(tools), again).kind, "match");
        const allowed = await session.callTool("list_allowed_directories", {});
        assert.match(allowed.text, /^Allowed directories:\n\/$/m, "the server really allows /");
      });

      await t.step(
        "paths under /etc in its arguments are denied before reaching the server",
        async () => {
          await Deno.writeTextFile(join(workspace, "a.txt"), "a");
          await Deno.symlink("/etc/passwd", join(workspace, "innocent.txt"));
          const hostile: [string, unknown][] = [
            ["read_text_file", { path: "/etc/passwd" }],
            ["read_file", { path: "/etc/hostname" }],
            ["write_file", { path: `${NOWHERE}/written`, content: "x" }],
            ["read_multiple_files", { paths: [join(workspace, "a.txt"), "/etc/shadow"] }],
            ["move_file", { source: join(workspace, "a.txt"), destination: `${NOWHERE}/moved` }],
            ["get_file_info", { path: "file:///etc/passwd" }],
            ["list_directory", { path: "/tmp/../etc" }],
            ["search_files", { path: "/etc", pattern: "*" }],
            ["directory_tree", { path: "/etc/ssl" }],
            // relative to the server's folder, climbing out
            ["read_text_file", { path: "../../../../../../../../etc/passwd" }],
            // a workspace path that is a symlink to /etc/passwd
            ["read_text_file", { path: join(workspace, "innocent.txt") }],
            // the server would expand ~ itself; Astrid does not guess it
            ["read_text_file", { path: "~/.ssh/id_rsa" }],
            // nested in arrays of objects, under an unknown key
            ["edit_file", { path: `${NOWHERE}/hosts`, edits: [{ oldText: "a", newText: "b" }] }],
          ];
          for (const [i, [tool, args]] of hostile.entries()) {
            const run = await call(tool, args, `hostile-${i}`);
            const what = `${tool} ${JSON.stringify(args)}: ${JSON.stringify(run)}`;
            assert.ok(run.kind === "denied", what);
            // "policy": the floor (or an unresolvable path), not a paused session or a human.
            assert.equal(run.stage, "policy", what);
            assert.ok(run.auditSeq !== undefined, `the denial is audited: ${what}`);
          }
          assert.deepEqual(proxy.calls, [], "no hostile call reached the server");
          assert.deepEqual(asked, [], "a floor denial never asks a human");
          assert.equal(
            await Deno.stat(NOWHERE).then(() => true, () => false),
            false,
          );
          const etc = await call("read_text_file", { path: "/etc/passwd" }, "hostile-last");
          assert.ok(etc.kind === "denied");
          assert.equal(etc.stage, "policy");
          assert.match(etc.reason, /\/etc/);
        },
      );

      await t.step(
        "an allowed call inside the workspace reaches the server, after approval",
        async () => {
          await Deno.writeTextFile(join(workspace, "notes.txt"), "hello from the workspace");
          const run = await call("read_text_file", { path: join(workspace, "notes.txt") });
          assert.equal(run.kind, "ran", JSON.stringify(run));
          assert.ok(run.kind === "ran");
          assert.equal(run.result.ok, true);
          assert.match(run.result.output, /hello from the workspace/);
          assert.deepEqual(proxy.calls, ["read_text_file"]);
          assert.equal(asked.length, 1, "MCP calls ask in the default mode");
          assert.ok(
            asked[0]!.summary.some((s) => s.includes("MCP tool call: filesystem:read_text_file")),
          );
          assert.ok(asked[0]!.summary.some((s) => s.includes(`Read file: ${workspace}/notes.txt`)));
        },
      );

      await t.step("a tool outside the approved list is not called", async () => {
        const run = await call("delete_everything", { path: workspace });
        assert.equal(run.kind, "invalid");
        assert.deepEqual(proxy.calls, ["read_text_file"]);
      });

      await t.step("the child sees only its declared environment, never the parent's", async () => {
        assert.equal(Deno.env.get(PARENT_SECRET_NAME), PARENT_SECRET, "the parent has the secret");
        const env = environOf(session.pid!);
        assert.deepEqual(Object.keys(env).sort(), ["FS_TOKEN", "PATH"]);
        assert.equal(env.FS_TOKEN, DECLARED);
        assert.ok(!JSON.stringify(env).includes(PARENT_SECRET));
        // The server's own view, asked directly (bypassing Astrid, whose policy denies /proc).
        const own = await session.callTool("read_text_file", { path: "/proc/self/environ" });
        assert.ok(own.text.includes(`FS_TOKEN=${DECLARED}`), own.text);
        assert.ok(!own.text.includes(PARENT_SECRET));
        assert.ok(!own.text.includes("HOME="), "not even HOME is inherited");
        // And through Astrid the same request is denied.
        const via = await call("read_text_file", { path: "/proc/self/environ" }, "proc");
        assert.equal(via.kind, "denied");
      });
    } finally {
      await session.close();
      Deno.env.delete(PARENT_SECRET_NAME);
    }
  });
});
