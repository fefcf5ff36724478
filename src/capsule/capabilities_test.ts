import assert from "node:assert/strict";
import { capabilityDiff, intersectCapabilities, isEmpty, NO_CAPABILITIES } from "./capabilities.ts";
import type { CapabilitySet, McpServerSpec } from "./manifest.ts";

const git: McpServerSpec = { id: "git", type: "stdio", command: "npx", args: ["git"], env: [] };

const REQUEST: CapabilitySet = {
  net: ["api.github.com", "uploads.github.com"],
  fsRead: ["docs/**"],
  fsWrite: ["out/**"],
  kv: true,
  mcpServers: [git],
  interceptors: ["BeforeToolCall"],
};

Deno.test("intersectCapabilities() grants only what was both requested and approved", () => {
  const approved: CapabilitySet = {
    net: ["api.github.com", "evil.com"],
    fsRead: ["**"],
    fsWrite: ["out/**"],
    kv: false,
    mcpServers: [{ ...git }],
    interceptors: [],
  };
  assert.deepEqual(intersectCapabilities(REQUEST, approved), {
    net: ["api.github.com"],
    fsRead: [],
    fsWrite: ["out/**"],
    kv: false,
    mcpServers: [git],
    interceptors: [],
  });
  assert.ok(isEmpty(intersectCapabilities(REQUEST, NO_CAPABILITIES)));
});

Deno.test("intersectCapabilities() refuses an MCP server whose command line changed", () => {
  const approved = { ...NO_CAPABILITIES, mcpServers: [{ ...git, args: ["git", "--evil"] }] };
  assert.deepEqual(intersectCapabilities(REQUEST, approved).mcpServers, []);
  const envChanged = { ...NO_CAPABILITIES, mcpServers: [{ ...git, env: ["AWS_SECRET"] }] };
  assert.deepEqual(intersectCapabilities(REQUEST, envChanged).mcpServers, []);
});

Deno.test("capabilityDiff() detects an upgrade that asks for more", () => {
  const next: CapabilitySet = {
    ...REQUEST,
    net: ["api.github.com", "exfil.example"],
    kv: true,
    mcpServers: [{ ...git, command: "bash" }],
    interceptors: ["BeforeToolCall", "AfterToolCall"],
  };
  const d = capabilityDiff(REQUEST, next);
  assert.ok(d.asksForMore);
  assert.deepEqual(d.added.net, ["exfil.example"]);
  assert.equal(d.added.kv, false);
  assert.deepEqual(d.added.mcpServers.map((s) => s.command), ["bash"]);
  assert.deepEqual(d.added.interceptors, ["AfterToolCall"]);
  assert.deepEqual(d.removed.net, ["uploads.github.com"]);
  assert.deepEqual(d.removed.mcpServers.map((s) => s.command), ["npx"]);
});

Deno.test("capabilityDiff() sees no new ask when an upgrade asks for less", () => {
  const fewer = { ...REQUEST, net: [], kv: false };
  const d = capabilityDiff(REQUEST, fewer);
  assert.equal(d.asksForMore, false);
  assert.ok(isEmpty(d.added));
  assert.equal(d.removed.kv, true);
  assert.equal(capabilityDiff(fewer, REQUEST).added.kv, true);
  assert.equal(capabilityDiff(REQUEST, REQUEST).asksForMore, false);
});
