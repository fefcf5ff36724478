/**
 * `combineToolHosts`: one tool host over several, each name routed to the
 * host that offers it, duplicates refused.
 */

import assert from "node:assert/strict";
import {
  type AgentToolContext,
  combineToolHosts,
  type ToolHost,
} from "../../src/runtime/agent/mod.ts";

function fakeHost(label: string, names: string[], log: string[]): ToolHost {
  return {
    specs: () => names.map((name) => ({ name, description: `${label} ${name}`, inputSchema: {} })),
    preview: (name) => {
      log.push(`${label}.preview ${name}`);
      return Promise.resolve(`${label} preview`);
    },
    classify: (name, _args, cwd) => {
      log.push(`${label}.classify ${name} ${cwd}`);
      return undefined;
    },
    call: (name) => {
      log.push(`${label}.call ${name}`);
      return Promise.resolve({ ok: true, output: `${label} ran ${name}` });
    },
  };
}

const ctx: AgentToolContext = {
  root: "/ws",
  signal: new AbortController().signal,
  sessionId: "s",
  requestedBy: "agent",
  allowOutside: false,
};

Deno.test("combineToolHosts() offers every host's tools and routes each call to its owner", async () => {
  const log: string[] = [];
  const host = combineToolHosts(
    fakeHost("a", ["read_file", "bash"], log),
    fakeHost("b", ["mcp:fs:read"], log),
  );
  assert.deepEqual(host.specs().map((s) => s.name), ["read_file", "bash", "mcp:fs:read"]);
  assert.equal(await host.preview!("mcp:fs:read", {}, ctx), "b preview");
  host.classify!("bash", {}, "/ws");
  assert.deepEqual(await host.call("mcp:fs:read", {}, ctx), {
    ok: true,
    output: "b ran mcp:fs:read",
  });
  assert.deepEqual(await host.call("read_file", {}, ctx), { ok: true, output: "a ran read_file" });
  assert.deepEqual(log, [
    "b.preview mcp:fs:read",
    "a.classify bash /ws",
    "b.call mcp:fs:read",
    "a.call read_file",
  ]);
});

Deno.test("combineToolHosts() answers an unknown name itself and calls no host", async () => {
  const log: string[] = [];
  const host = combineToolHosts(fakeHost("a", ["x"], log));
  assert.deepEqual(await host.call("y", {}, ctx), { ok: false, output: "", error: 'no tool "y"' });
  assert.equal(host.classify!("y", {}, "/ws"), undefined);
  assert.equal(await host.preview!("y", {}, ctx), undefined);
  assert.deepEqual(log, []);
});

Deno.test("combineToolHosts() refuses a server tool that shadows a built-in name", () => {
  const log: string[] = [];
  assert.throws(
    () => combineToolHosts(fakeHost("a", ["read_file"], log), fakeHost("b", ["read_file"], log)),
    { name: "RangeError", message: /tool "read_file" is offered by host 0 and host 1/ },
  );
});

Deno.test("combineToolHosts() of a host without preview or classify falls back to the defaults", async () => {
  const bare: ToolHost = {
    specs: () => [{ name: "t", description: "", inputSchema: {} }],
    call: () => Promise.resolve({ ok: true, output: "ran" }),
  };
  const host = combineToolHosts(bare);
  assert.equal(await host.preview!("t", {}, ctx), undefined);
  assert.equal(host.classify!("t", {}, "/ws"), undefined);
});
