import assert from "node:assert/strict";
import { mcpServerLaunch } from "./mcp_engine.ts";
import type { EnvSpec } from "./manifest.ts";
import type { McpEnginePlan } from "./plan_capsule.ts";

const plan: McpEnginePlan = {
  kind: "mcp",
  capsule: "gh",
  server: {
    id: "github",
    type: "stdio",
    command: "npx",
    args: ["-y", "@example/github-mcp"],
    env: ["GITHUB_TOKEN", "GITHUB_HOST"],
  },
};
const envSpecs: Record<string, EnvSpec> = {
  GITHUB_TOKEN: { type: "secret", request: "A GitHub token" },
  GITHUB_HOST: { type: "string", request: "Host", default: "github.com" },
  OTHER_SECRET: { type: "secret", request: "Not for this server" },
};

Deno.test("mcpServerLaunch() passes only the server's declared names, from stored values or defaults", () => {
  const r = mcpServerLaunch(plan, {
    capsuleDir: "/home/u/.astrid/capsules/gh",
    envSpecs,
    values: { GITHUB_TOKEN: "ghp_x", OTHER_SECRET: "keep-out", PATH: "/evil" },
  });
  assert.ok(r.ok);
  assert.deepEqual(r.launch, {
    server: "github",
    command: "npx",
    args: ["-y", "@example/github-mcp"],
    env: { GITHUB_TOKEN: "ghp_x", GITHUB_HOST: "github.com" },
    cwd: "/home/u/.astrid/capsules/gh",
  });
});

Deno.test("mcpServerLaunch() refuses to start a server whose declared value is missing", () => {
  for (const values of [{}, { GITHUB_TOKEN: "" }] as Record<string, string>[]) {
    const r = mcpServerLaunch(plan, { capsuleDir: "/c", envSpecs, values });
    assert.ok(!r.ok);
    assert.match(r.reason, /"github" of capsule "gh" needs GITHUB_TOKEN \(A GitHub token\)/);
  }
});
