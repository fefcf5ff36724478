import assert from "node:assert/strict";
import { NO_CAPABILITIES } from "./capabilities.ts";
import { parseManifest } from "./parse_manifest.ts";
import { planCapsule } from "./plan_capsule.ts";

const manifest = parseManifest(
  await Deno.readTextFile(new URL("./testdata/Capsule.toml", import.meta.url)),
  "Capsule.toml",
);

Deno.test("planCapsule() gives one engine per part with everything approved", () => {
  const plan = planCapsule(manifest, manifest.capabilities);
  assert.equal(plan.capsule, "github-agent");
  assert.deepEqual(plan.engines.map((e) => e.kind), ["wasm", "mcp", "static"]);
  const wasm = plan.engines[0];
  assert.ok(wasm?.kind === "wasm");
  assert.equal(wasm.hash, manifest.component?.hash);
  assert.deepEqual(wasm.grants, {
    net: ["api.github.com"],
    fsRead: ["/home/user/.gitconfig", "docs/**"],
    fsWrite: ["out/**"],
    kv: true,
  });
  assert.deepEqual(wasm.secrets, [{
    name: "GITHUB_TOKEN",
    host: "api.github.com",
    header: "Authorization",
    prefix: "Bearer ",
  }]);
  assert.deepEqual(wasm.config, ["GITHUB_ORG"]);
  assert.equal(wasm.interceptors.length, 2);
  assert.deepEqual(plan.cron.map((c) => c.name), ["sync-issues"]);
  assert.ok(plan.engines[2]?.kind === "static" && plan.engines[2].skills.length === 1);
});

Deno.test("planCapsule() carries only approved capabilities to the engines", () => {
  const plan = planCapsule(manifest, { ...NO_CAPABILITIES, fsRead: ["docs/**", "/etc/**"] });
  assert.deepEqual(plan.engines.map((e) => e.kind), ["wasm", "static"]);
  const wasm = plan.engines[0];
  assert.ok(wasm?.kind === "wasm");
  assert.deepEqual(wasm.grants, { net: [], fsRead: ["docs/**"], fsWrite: [], kv: false });
  // The secret's host was not approved, so the secret goes nowhere.
  assert.deepEqual(wasm.secrets, []);
  assert.deepEqual(wasm.interceptors, []);
  assert.deepEqual(plan.refused.net, ["api.github.com"]);
  assert.equal(plan.refused.kv, true);
  assert.deepEqual(plan.refused.mcpServers.map((s) => s.id), ["local-git"]);
  assert.deepEqual(plan.grants.fsRead, ["docs/**"]);
});

Deno.test("planCapsule() plans a static-only capsule without a WASM engine", () => {
  const m = parseManifest(
    '[package]\nname = "notes"\nversion = "0.1.0"\n[context]\ntext = "hi"\n',
    "Capsule.toml",
  );
  const plan = planCapsule(m, NO_CAPABILITIES);
  assert.deepEqual(plan.engines, [{
    kind: "static",
    capsule: "notes",
    context: { files: [], text: "hi" },
    skills: [],
    commands: [],
  }]);
});
