import assert from "node:assert/strict";
import type { Action } from "../action.ts";
import { compilePolicy } from "./compile_policy.ts";
import { modeDecision, type ModeSettings, type WorkspaceMode } from "./mode_decision.ts";
import { defaultPolicyConfig } from "./policy_config.ts";

const WS = "/srv/app";
const scope = { workspace: WS };
const MODES: WorkspaceMode[] = ["safe", "guided", "autonomous"];

function settings(mode: WorkspaceMode, over: Partial<ModeSettings> = {}): ModeSettings {
  return { mode, escape_policy: "ask", read_allowlist: [], ...over };
}

function kinds(action: Action, over: Partial<ModeSettings> = {}): Record<WorkspaceMode, string> {
  const out = {} as Record<WorkspaceMode, string>;
  for (const m of MODES) out[m] = modeDecision(action, settings(m, over), scope).kind;
  return out;
}

const read = (path: string): Action => ({ kind: "file_read", path });
const write = (path: string): Action => ({ kind: "file_write", path });
const del = (path: string): Action => ({ kind: "file_delete", path });
const command = (extra: Partial<Extract<Action, { kind: "command" }>> = {}): Action => ({
  kind: "command",
  command: "npm test",
  cwd: WS,
  executables: ["npm"],
  ...extra,
});

Deno.test("modeDecision(): safe asks before reading inside the workspace; guided and autonomous allow", () => {
  assert.deepEqual(kinds(read(`${WS}/src/a.ts`)), {
    safe: "ask",
    guided: "allow",
    autonomous: "allow",
  });
});

Deno.test("modeDecision(): safe allows reads matching read_allowlist, relative or absolute", () => {
  const over = { read_allowlist: ["docs/**", "*.md", `${WS}/src/*.json`] };
  assert.equal(kinds(read(`${WS}/docs/guide.txt`), over).safe, "allow");
  assert.equal(kinds(read(`${WS}/README.md`), over).safe, "allow");
  assert.equal(kinds(read(`${WS}/src/x.json`), over).safe, "allow");
  assert.equal(kinds(read(`${WS}/src/a.ts`), over).safe, "ask");
  assert.equal(kinds(read(`${WS}/sub/README.md`), over).safe, "ask", "*.md is one segment");
  // The allowlist is for reads: writes to the same files still ask.
  assert.equal(kinds(write(`${WS}/README.md`), over).safe, "ask");
  const d = modeDecision(read(`${WS}/README.md`), settings("safe", over), scope);
  assert.deepEqual([d.rule, d.reason], [
    "mode:read_allowlist",
    `"${WS}/README.md" matches workspace.read_allowlist "*.md"`,
  ]);
});

Deno.test("modeDecision(): writes and deletes inside ask in safe and guided, run in autonomous", () => {
  const want = { safe: "ask", guided: "ask", autonomous: "allow" };
  assert.deepEqual(kinds(write(`${WS}/src/a.ts`)), want);
  assert.deepEqual(kinds(del(`${WS}/src/a.ts`)), want);
});

Deno.test("modeDecision(): commands inside ask in safe and guided, run in autonomous", () => {
  assert.deepEqual(kinds(command()), { safe: "ask", guided: "ask", autonomous: "allow" });
  assert.deepEqual(kinds(command({ cwd: `${WS}/sub` })), {
    safe: "ask",
    guided: "ask",
    autonomous: "allow",
  });
});

Deno.test("modeDecision(): inline eval and unparseable lines ask in every mode", () => {
  const all = { safe: "ask", guided: "ask", autonomous: "ask" };
  assert.deepEqual(
    kinds(command({ command: "python -c 1", executables: ["python"], inlineEval: true })),
    all,
  );
  assert.deepEqual(
    kinds(command({ command: "echo $((", executables: ["<unparseable>"], unparseable: true })),
    all,
  );
  assert.deepEqual(kinds(command({ inlineEval: true }), { escape_policy: "deny" }), all);
  assert.equal(
    modeDecision(command({ unparseable: true }), settings("autonomous"), scope).rule,
    "mode:unparseable",
  );
  assert.equal(
    modeDecision(command({ inlineEval: true }), settings("autonomous"), scope).rule,
    "mode:inline_eval",
  );
});

Deno.test("modeDecision(): network and MCP tools ask in every mode", () => {
  const all = { safe: "ask", guided: "ask", autonomous: "ask" };
  assert.deepEqual(kinds({ kind: "network", host: "example.com", port: 443 }), all);
  assert.deepEqual(kinds({ kind: "mcp_tool", server: "gh", tool: "x" }), all);
  assert.deepEqual(
    kinds({
      kind: "capsule_http",
      capsule: "c",
      host: "a.com",
      port: 443,
      url: "https://a.com",
      method: "GET",
    }),
    all,
  );
  assert.deepEqual(kinds({ kind: "financial", recipient: "x", amountUsd: 1 }), all);
  assert.deepEqual(
    kinds({ kind: "capability_grant", resource: "file:///x", permissions: ["read"] }),
    all,
  );
});

Deno.test("modeDecision(): capsule use asks in safe and guided, runs in autonomous", () => {
  assert.deepEqual(kinds({ kind: "capsule_exec", capsule: "c", capability: "tool:x" }), {
    safe: "ask",
    guided: "ask",
    autonomous: "allow",
  });
});

Deno.test("modeDecision(): anything outside the workspace follows escape_policy in every mode", async (t) => {
  const outside: Action[] = [
    read("/srv/app-other/x"),
    write("/tmp/x"),
    del("/home/u/x"),
    command({ cwd: "/tmp" }),
    { kind: "capsule_file", capsule: "c", path: "/var/x", op: "write" },
  ];
  for (const a of outside) {
    await t.step(JSON.stringify(a), () => {
      assert.deepEqual(kinds(a, { escape_policy: "ask" }), {
        safe: "ask",
        guided: "ask",
        autonomous: "ask",
      });
      assert.deepEqual(kinds(a, { escape_policy: "deny" }), {
        safe: "deny",
        guided: "deny",
        autonomous: "deny",
      });
    });
  }
  const d = modeDecision(write("/tmp/x"), settings("autonomous", { escape_policy: "deny" }), scope);
  assert.equal(d.rule, "workspace:escape_policy=deny");
  assert.ok(d.reason.includes(`"/tmp/x"`) && d.reason.includes(`"${WS}"`));
});

Deno.test("modeDecision(): the workspace root itself is inside, a prefix sibling is not", () => {
  assert.equal(kinds(read(WS)).guided, "allow");
  assert.equal(kinds(read("/srv/app-other")).guided, "ask");
  assert.equal(kinds(read("/srv/app-other"), { escape_policy: "deny" }).autonomous, "deny");
});

Deno.test("modeDecision(): ignores a lying inWorkspace flag and treats non-canonical paths as outside", () => {
  assert.equal(
    kinds({ kind: "file_write", path: "/etc/x", inWorkspace: true }, { escape_policy: "deny" })
      .autonomous,
    "deny",
  );
  for (const p of [`${WS}/../etc/x`, "relative/x", `${WS}/a\0`]) {
    assert.equal(kinds(write(p), { escape_policy: "deny" }).autonomous, "deny", p);
    assert.equal(kinds(read(p), { escape_policy: "deny", read_allowlist: ["**"] }).safe, "deny", p);
  }
});

Deno.test("modeDecision(): policy.allowed_paths count as inside the workspace", () => {
  const policy = compilePolicy({ ...defaultPolicyConfig(), allowed_paths: ["/tmp/scratch/**"] }, {
    workspace: WS,
    home: "/h",
  });
  const s = settings("autonomous", { escape_policy: "deny" });
  assert.equal(modeDecision(write("/tmp/scratch/a"), s, policy).kind, "allow");
  assert.equal(modeDecision(write("/tmp/other"), s, policy).kind, "deny");
  assert.equal(modeDecision(write("/tmp/scratch/a"), settings("guided"), policy).kind, "ask");
});

Deno.test("modeDecision(): a program chosen by an expansion asks in every mode", () => {
  const all = { safe: "ask", guided: "ask", autonomous: "ask" };
  assert.deepEqual(kinds(command({ command: "$X id", executables: ["<dynamic>"] })), all);
  assert.equal(
    modeDecision(command({ executables: ["ls", "<dynamic>"] }), settings("autonomous"), scope).rule,
    "mode:dynamic_program",
  );
});

Deno.test("modeDecision(): autonomous asks when a command's paths are not all known", () => {
  assert.deepEqual(kinds(command({ command: "cat $F", unknownPaths: true })), {
    safe: "ask",
    guided: "ask",
    autonomous: "ask",
  });
  assert.equal(
    modeDecision(command({ unknownPaths: true }), settings("autonomous"), scope).rule,
    "mode:autonomous:unknown_paths",
  );
});

Deno.test("modeDecision(): the floor's harmless devices are not escapes", () => {
  const allowAll = { safe: "allow", guided: "allow", autonomous: "allow" };
  assert.deepEqual(kinds(write("/dev/null"), { escape_policy: "deny" }), allowAll);
  assert.deepEqual(kinds(read("/dev/urandom"), { escape_policy: "deny" }), allowAll);
  assert.deepEqual(kinds(read("/dev/zero"), { escape_policy: "deny" }), allowAll);
  assert.equal(kinds(write("/dev/zero"), { escape_policy: "deny" }).autonomous, "deny");
  assert.equal(kinds(del("/dev/null"), { escape_policy: "deny" }).autonomous, "deny");
  assert.equal(kinds(write("/dev/tty"), { escape_policy: "ask" }).autonomous, "ask");
});
