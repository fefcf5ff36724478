import assert from "node:assert/strict";
import { editDistance, nearest } from "./suggest.ts";

Deno.test("nearest() suggests typos, dropped suffixes and case slips, and nothing far away", () => {
  const keys = ["mode", "escape_policy", "read_allowlist", "bash_timeout_secs", "max_output_bytes"];
  assert.equal(nearest("mdoe", keys), "mode");
  assert.equal(nearest("Mode", keys), "mode");
  assert.equal(nearest("escape-policy", keys), "escape_policy");
  assert.equal(nearest("bash_timeout", keys), "bash_timeout_secs");
  assert.equal(nearest("read_allow_list", keys), "read_allowlist");
  assert.equal(nearest("telemetry", keys), undefined);
  assert.equal(nearest("x", keys), undefined);
});

Deno.test("editDistance() is the Levenshtein distance", () => {
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("same", "same"), 0);
});
