import assert from "node:assert/strict";
import { FakeFsProbe } from "../path/fake_fs_probe.ts";
import { compilePolicy } from "../policy/compile_policy.ts";
import type { WorkspaceMode } from "../policy/mode_decision.ts";
import { defaultPolicyConfig, type PolicyConfig } from "../policy/policy_config.ts";
import { decideToolCall } from "./decide_tool_call.ts";

const WS = "/srv/app";

function ctx(
  mode: WorkspaceMode = "guided",
  over: Partial<PolicyConfig> = {},
  escape: "ask" | "deny" = "ask",
) {
  return {
    policy: compilePolicy({ ...defaultPolicyConfig(), ...over }, {
      workspace: WS,
      home: "/home/u/.astrid",
    }),
    settings: { mode, escape_policy: escape, read_allowlist: [] },
    probe: new FakeFsProbe({
      paths: [`${WS}/src/a.ts`, "/etc/shadow", "/tmp"],
      links: { [`${WS}/etc`]: "/etc" },
    }),
  };
}

Deno.test("decideToolCall() denies at the policy stage and names the rule", () => {
  const d = decideToolCall("read_file", { path: "etc/shadow" }, ctx("autonomous"));
  assert.deepEqual([d.decision, d.stage, d.rule], ["deny", "policy", "floor:path:/etc/**"]);
  assert.match(d.reason, /"\/etc\/shadow"/);
  assert.equal(d.checks[0]?.mode, undefined, "the mode is not consulted after a policy deny");
});

Deno.test("decideToolCall() lets the mode decide what the policy does not object to", () => {
  const read = decideToolCall("read_file", { path: "src/a.ts" }, ctx("guided"));
  assert.deepEqual([read.decision, read.stage, read.rule], ["allow", "mode", "mode:guided:read"]);
  const write = decideToolCall("write_file", { path: "src/a.ts", content: "x" }, ctx("guided"));
  assert.deepEqual([write.decision, write.stage, write.rule], ["ask", "mode", "mode:guided:write"]);
  const auto = decideToolCall("write_file", { path: "src/a.ts", content: "x" }, ctx("autonomous"));
  assert.equal(auto.decision, "allow");
});

Deno.test("decideToolCall() applies the escape policy as a mode-stage deny", () => {
  const d = decideToolCall(
    "write_file",
    { path: "/tmp/x", content: "" },
    ctx("autonomous", {}, "deny"),
  );
  assert.deepEqual([d.decision, d.stage, d.rule], ["deny", "mode", "workspace:escape_policy=deny"]);
});

Deno.test("decideToolCall() puts a policy ask before a mode allow", () => {
  const d = decideToolCall(
    "read_file",
    { path: "src/a.ts" },
    ctx("autonomous", { always_ask_tools: ["read_file"] }),
  );
  assert.deepEqual([d.decision, d.stage, d.rule], [
    "ask",
    "policy",
    "config:policy.always_ask_tools[0]",
  ]);
});

Deno.test("decideToolCall() denies a call it cannot classify", () => {
  const d = decideToolCall("read_file", { path: 1 }, ctx());
  assert.deepEqual([d.decision, d.stage, d.rule], ["deny", "classify", "classify:invalid"]);
  assert.match(d.reason, /"path" must be a non-empty string/);
  assert.equal(decideToolCall("nope", {}, ctx()).stage, "classify");
});

Deno.test("decideToolCall() enforces the argument size limit", () => {
  const d = decideToolCall(
    "write_file",
    { path: "src/a.ts", content: "x".repeat(200) },
    ctx("autonomous", { max_argument_bytes: 100 }),
  );
  assert.deepEqual([d.decision, d.rule], ["deny", "config:policy.max_argument_bytes"]);
  const t = decideToolCall(
    "task",
    { description: "d", prompt: "x".repeat(200) },
    ctx("autonomous", { max_argument_bytes: 100 }),
  );
  assert.deepEqual([t.decision, t.rule], ["deny", "config:policy.max_argument_bytes"]);
});

Deno.test("decideToolCall() allows task (no direct action) unless a call-level rule objects", () => {
  const d = decideToolCall("task", { description: "d", prompt: "p" }, ctx("safe"));
  assert.deepEqual([d.decision, d.stage, d.actions.length], ["allow", "classify", 0]);
  assert.equal(
    decideToolCall(
      "task",
      { description: "d", prompt: "p" },
      ctx("safe", { always_ask_tools: ["task"] }),
    ).decision,
    "ask",
  );
});

Deno.test("decideToolCall() bash: sudo is denied by the floor in every mode", () => {
  for (const mode of ["safe", "guided", "autonomous"] as const) {
    const d = decideToolCall("bash", { command: "sudo id" }, ctx(mode));
    assert.deepEqual([d.decision, d.stage, d.rule], ["deny", "policy", "floor:command:sudo"], mode);
  }
});
