import assert from "node:assert/strict";
import type { ClassifiedCall } from "../security/mod.ts";
import { classifyMcpCall, type ToolClassifier } from "./classify_mcp_call.ts";

/** A classifier that resolves paths lexically against cwd and records what it was asked. */
function fake(): ToolClassifier & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    classify(tool: string, args: unknown, cwd = "/ws"): ClassifiedCall {
      seen.push(`${tool}@${cwd}`);
      const a = args as Record<string, string>;
      if (tool.startsWith("mcp:")) {
        const [, server, name] = tool.split(":");
        return {
          ok: true,
          actions: [{ kind: "mcp_tool", server: server!, tool: name!, args: a }],
          argBytes: 10,
        };
      }
      if (a.path === "/unresolvable") return { ok: false, reason: "cannot resolve" };
      const path = a.path!.startsWith("/") ? a.path! : `${cwd}/${a.path}`;
      const kind = tool === "read_file" ? "file_read" : "file_write";
      return {
        ok: true,
        actions: [{ kind, path, inWorkspace: path.startsWith("/ws/") }],
        argBytes: 1,
      };
    },
  };
}

const call = (args: Record<string, never> | Record<string, unknown>, readOnly: boolean) => ({
  server: "fs",
  tool: "op",
  args: args as never,
  cwd: "/srv/cap",
  readOnly,
});

Deno.test("classifyMcpCall() adds a read per path, and a write unless the tool is read-only", () => {
  const c = fake();
  const r = classifyMcpCall(c, call({ source: "a.txt", destination: "/etc/x" }, false));
  assert.ok(r.ok);
  assert.deepEqual(r.actions.map((a) => `${a.kind}:${"path" in a ? a.path : ""}`), [
    "mcp_tool:",
    "file_read:/srv/cap/a.txt",
    "file_write:/srv/cap/a.txt",
    "file_read:/etc/x",
    "file_write:/etc/x",
  ]);
  assert.equal(r.argBytes, 10, "argBytes are the call's, not the paths'");
  assert.ok(c.seen.includes("read_file@/srv/cap"), "relative paths resolve in the server's folder");
  const ro = classifyMcpCall(fake(), call({ path: "/etc/x" }, true));
  assert.ok(ro.ok);
  assert.deepEqual(ro.actions.map((a) => a.kind), ["mcp_tool", "file_read"]);
});

Deno.test("classifyMcpCall() removes duplicate actions and fails closed on any unresolvable path", () => {
  const dup = classifyMcpCall(fake(), call({ paths: ["/a", "/a"] }, true));
  assert.ok(dup.ok);
  assert.equal(dup.actions.length, 2);
  const bad = classifyMcpCall(fake(), call({ paths: ["/ok", "/unresolvable"] }, true));
  assert.ok(!bad.ok);
  assert.match(bad.reason, /mcp:fs:op: argument paths\[1\]: cannot resolve/);
  const home = classifyMcpCall(fake(), call({ path: "~/x" }, true));
  assert.ok(!home.ok);
});
