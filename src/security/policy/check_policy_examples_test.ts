import assert from "node:assert/strict";
import {
  checkPolicyExamples,
  type ExampleOutcome,
  type PolicyExample,
} from "./check_policy_examples.ts";

const evaluate = (tool: string, args: unknown, mode: string | undefined): ExampleOutcome => {
  if (tool === "boom") throw new Error('unknown tool "boom"');
  const cmd = (args as { command?: string }).command ?? "";
  if (cmd.startsWith("sudo")) {
    return { decision: "deny", stage: "policy", rule: "floor:command:sudo", reason: "blocked" };
  }
  return mode === "autonomous" ? "allow" : "ask";
};

Deno.test("checkPolicyExamples() returns nothing when every example holds", () => {
  const examples: PolicyExample[] = [
    { tool: "bash", args: { command: "sudo id" }, expect: "deny" },
    { tool: "bash", args: { command: "ls" }, expect: "ask" },
    { tool: "bash", args: { command: "ls" }, expect: "allow", mode: "autonomous" },
  ];
  assert.deepEqual(checkPolicyExamples(examples, evaluate), []);
});

Deno.test("checkPolicyExamples() names a failing example by index, tool, args, expected and actual", () => {
  const examples: PolicyExample[] = [
    { tool: "bash", args: { command: "ls" }, expect: "ask" },
    { tool: "bash", args: { command: "sudo id" }, expect: "allow", mode: "guided" },
    { tool: "bash", args: { command: "ls" }, expect: "deny", mode: "autonomous" },
  ];
  const failures = checkPolicyExamples(examples, evaluate);
  assert.deepEqual(failures.map((f) => [f.index, f.actual]), [[1, "deny"], [2, "allow"]]);
  assert.equal(
    failures[0]!.message,
    `policy.examples[1] (tool "bash", args {"command":"sudo id"}, mode guided): expected "allow", got "deny" (stage policy; rule floor:command:sudo; blocked)`,
  );
  assert.equal(
    failures[1]!.message,
    `policy.examples[2] (tool "bash", args {"command":"ls"}, mode autonomous): expected "deny", got "allow"`,
  );
});

Deno.test("checkPolicyExamples() reports an example whose evaluation throws instead of crashing", () => {
  const failures = checkPolicyExamples([{ tool: "boom", args: {}, expect: "deny" }], evaluate);
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.actual, undefined);
  assert.match(
    failures[0]!.message,
    /^policy\.examples\[0\] \(tool "boom", args \{\}\): expected "deny", but evaluating it failed: unknown tool "boom"$/,
  );
});

Deno.test("checkPolicyExamples() shortens huge arguments in messages", () => {
  const failures = checkPolicyExamples([{
    tool: "bash",
    args: { command: "x".repeat(5000) },
    expect: "deny",
  }], evaluate);
  assert.ok(failures[0]!.message.length < 300);
});
