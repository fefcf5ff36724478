import assert from "node:assert/strict";
import { lineOf, locateKeys } from "./key_lines.ts";

Deno.test("locateKeys() finds headers, keys, dotted and quoted keys and arrays of tables", () => {
  const lines = locateKeys([
    "# comment", //                          1
    "[workspace]", //                        2
    'mode = "safe"', //                      3
    '[llm.prices."gpt-4.1"]', //           4
    "input_per_mtok = 1", //                 5
    "[[policy.examples]]", //                6
    'tool = "a"', //                         7
    "[[policy.examples]]", //                8
    'tool = "b"', //                         9
    'args.command = """', //                10
    "fake = 1", //                          11
    '"""', //                               12
    "expect = 'deny'", //                   13
  ].join("\n"));
  assert.equal(lines.get("workspace.mode"), 3);
  assert.equal(lines.get('llm.prices."gpt-4.1".input_per_mtok'), 5);
  assert.equal(lines.get("policy.examples[0].tool"), 7);
  assert.equal(lines.get("policy.examples[1].tool"), 9);
  assert.equal(lines.get("policy.examples[1].args.command"), 10);
  assert.equal(lines.get("policy.examples[1].fake"), undefined);
  assert.equal(lines.get("policy.examples[1].expect"), 13);
  assert.equal(lineOf(lines, ["policy", "examples", 1, "args", "nope"]), 10);
  assert.equal(lineOf(lines, ["nothing"]), undefined);
});
