import assert from "node:assert/strict";
import { redactConfig, REDACTED } from "./redact_config.ts";
import { resolveConfig } from "./resolve_config.ts";
import { configFields } from "./schema.ts";

Deno.test("redactConfig() hides a set API key and leaves everything else", () => {
  const r = resolveConfig([{
    kind: "user",
    source: "u",
    data: { llm: { api_key: "sk-live-123", api_key_env: "ANTHROPIC_API_KEY", model: "m" } },
  }]);
  assert.ok(r.ok);
  const shown = redactConfig(r.config);
  assert.equal(shown.llm.api_key, REDACTED);
  assert.equal(shown.llm.api_key_env, "ANTHROPIC_API_KEY");
  assert.equal(shown.llm.model, "m");
  assert.doesNotMatch(JSON.stringify(shown), /sk-live-123/);
  assert.equal(r.config.llm.api_key, "sk-live-123");
});

Deno.test("redactConfig() keeps an unset secret unset", () => {
  const r = resolveConfig([]);
  assert.ok(r.ok);
  assert.equal(redactConfig(r.config).llm.api_key, undefined);
});

Deno.test("every secret key in the schema is an llm credential", () => {
  assert.deepEqual(configFields().filter((f) => f.spec.secret).map((f) => f.id), ["llm.api_key"]);
});
