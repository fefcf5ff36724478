import assert from "node:assert/strict";
import { lineOf, locateManifestKeys } from "./locate_manifest_keys.ts";

Deno.test("locateManifestKeys() finds tables, arrays of tables and keys, skipping multi-line values", () => {
  const text = [
    "[package]", // 1
    'name = "x" # comment', // 2
    '[env."MY_KEY"]', // 3
    'request = """', // 4
    "fake = 1", // 5: inside a string, not a key
    '"""', // 6
    "[[cron]]", // 7
    "[[cron]]", // 8
    "args = [", // 9
    '  "not = a key",', // 10
    "]", // 11
    "schedule = '* * * * *'", // 12
  ].join("\n");
  const lines = locateManifestKeys(text);
  assert.equal(lines.get("package"), 1);
  assert.equal(lines.get("package.name"), 2);
  assert.equal(lines.get("env.MY_KEY"), 3);
  assert.equal(lines.get("env.MY_KEY.request"), 4);
  assert.equal(lines.get("env.MY_KEY.fake"), undefined);
  assert.equal(lines.get("cron[0]"), 7);
  assert.equal(lines.get("cron[1]"), 8);
  assert.equal(lines.get("cron[1].args"), 9);
  assert.equal(lines.get('cron[1].  "not'), undefined);
  assert.equal(lines.get("cron[1].schedule"), 12);
  assert.equal(lineOf(lines, "cron[1].args[3]"), 9);
  assert.equal(lineOf(lines, "cron[1].missing"), 8);
  assert.equal(lineOf(lines, "nowhere"), undefined);
});
