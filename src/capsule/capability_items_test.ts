import assert from "node:assert/strict";
import { capabilityItems, describeCapabilities, selectCapabilities } from "./capability_items.ts";
import type { CapabilitySet } from "./manifest.ts";

const request: CapabilitySet = {
  net: ["api.github.com"],
  fsRead: ["data/**"],
  fsWrite: ["out/**"],
  kv: true,
  mcpServers: [{ id: "gh", type: "stdio", command: "npx", args: ["-y", "x"], env: ["TOKEN"] }],
  interceptors: ["BeforeToolCall"],
};

Deno.test("capabilityItems() and selectCapabilities() round-trip and never exceed the request", () => {
  const items = capabilityItems(request);
  assert.deepEqual(items, [
    "net:api.github.com",
    "fs_read:data/**",
    "fs_write:out/**",
    "kv",
    "mcp_server:gh",
    "interceptor:BeforeToolCall",
  ]);
  const all = selectCapabilities(request, items);
  assert.ok(all.ok);
  assert.deepEqual(all.set, request);
  const some = selectCapabilities(request, ["net:api.github.com", "mcp_server:gh"]);
  assert.ok(some.ok);
  assert.deepEqual(capabilityItems(some.set), ["net:api.github.com", "mcp_server:gh"]);
  assert.equal(some.set.mcpServers[0], request.mcpServers[0], "the server as requested");
  const none = selectCapabilities(request, []);
  assert.ok(none.ok);
  assert.deepEqual(capabilityItems(none.set), []);
});

Deno.test("selectCapabilities() refuses items the capsule did not ask for", () => {
  const r = selectCapabilities(request, ["net:evil.example", "fs_write:**"]);
  assert.ok(!r.ok);
  assert.match(r.reason, /"net:evil.example", "fs_write:\*\*" are not requested/);
});

Deno.test("describeCapabilities() shows each server's command line and marks new items", () => {
  const lines = describeCapabilities(request, {
    ...request,
    net: [],
    kv: false,
    fsRead: [],
    fsWrite: [],
    interceptors: [],
    mcpServers: request.mcpServers,
  });
  assert.ok(
    lines.some((l) => /mcp_server +gh: runs npx -y x with TOKEN {2}\(new\)$/.test(l)),
    lines.join("\n"),
  );
  assert.ok(lines.some((l) => /^ {2}net +api\.github\.com$/.test(l)));
});
