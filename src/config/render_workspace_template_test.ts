import assert from "node:assert/strict";
import { parseConfigText } from "./parse_config_text.ts";
import { renderWorkspaceTemplate } from "./render_workspace_template.ts";
import { resolveConfig } from "./resolve_config.ts";
import { configFields } from "./schema.ts";

const FILE = "/repo/.astrid/config.toml";

Deno.test("renderWorkspaceTemplate() is a valid workspace file that changes nothing", () => {
  const parsed = parseConfigText(renderWorkspaceTemplate(), FILE, "workspace");
  assert.ok(parsed.ok);
  const r = resolveConfig([parsed.layer]);
  assert.ok(r.ok);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.config.workspace.mode, "safe");
});

Deno.test("renderWorkspaceTemplate() lists every key a workspace may set, and none it may not", () => {
  const text = renderWorkspaceTemplate();
  for (const f of configFields()) {
    const line = f.id === "policy.examples"
      ? /^# \[\[policy\.examples\]\]$/m
      : new RegExp(`^# ${f.key} = `, "m");
    if (f.spec.workspace.kind === "forbidden") {
      assert.doesNotMatch(text, new RegExp(`^# ${f.key} = `, "m"), f.id);
    } else assert.match(text, line, f.id);
  }
  assert.doesNotMatch(text, /^#? ?(api_key|api_key_env|base_url|provider|prices) =/m);
});

Deno.test("renderWorkspaceTemplate() stays valid with every line uncommented, without a warning", () => {
  const uncommented = renderWorkspaceTemplate().split("\n").map((l) =>
    /^# ([a-z_]+ = |\[\[)/.test(l) ? l.slice(2) : l
  ).join("\n");
  const parsed = parseConfigText(uncommented, FILE, "workspace");
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  const r = resolveConfig([parsed.layer]);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.deepEqual(r.warnings, []);
  assert.equal(r.config.policy.examples.length, 1);
  assert.equal(r.config.llm.model, "<name>");
});
