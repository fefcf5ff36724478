import assert from "node:assert/strict";
import { join } from "node:path";
import { runTool } from "../../src/runtime/mod.ts";
import type { SecurityRuntime } from "../../src/runtime/mod.ts";
import type { ApprovalRequest } from "../../src/security/mod.ts";
import { answer, ScriptedChannel, withRuntime } from "../security/_runtime.ts";
import { snapshot } from "./_fixture.ts";

const call = (rt: SecurityRuntime, tool: string, args: unknown) =>
  runTool(rt, tool, args, {
    sessionId: "s1",
    principal: "local",
    signal: new AbortController().signal,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
  });

Deno.test("a denied call leaves the file system untouched (checked, not assumed)", async () => {
  const ch = new ScriptedChannel(answer("deny"));
  await withRuntime({ channel: ch }, async (rt, { root, workspace }) => {
    await Deno.writeTextFile(join(workspace, "keep.txt"), "keep");
    const before = await snapshot(workspace);
    const runs = [
      await call(rt, "write_file", { path: "keep.txt", content: "gone" }),
      await call(rt, "bash", { command: "rm keep.txt" }),
      await call(rt, "edit_file", { path: "keep.txt", old_string: "keep", new_string: "x" }),
      await call(rt, "write_file", { path: "/etc/astrid-test", content: "x" }),
      await call(rt, "bash", { command: "echo x > /etc/hosts" }),
    ];
    for (const r of runs) assert.equal(r.kind, "denied", JSON.stringify(r).slice(0, 300));
    assert.equal(await snapshot(workspace), before);
    assert.equal(await Deno.stat("/etc/astrid-test").then(() => true, () => false), false);
    void root;
  });
});

Deno.test("the three workspace modes behave differently, end to end", async (t) => {
  const table: [string, string, unknown, Record<string, string>][] = [
    // tool, args, decision per mode (with no human attached: ask = deferred)
    ["read_file", { path: "a.txt" }, { safe: "deferred", guided: "ran", autonomous: "ran" }],
    ["write_file", { path: "b.txt", content: "x" }, {
      safe: "deferred",
      guided: "deferred",
      autonomous: "ran",
    }],
    ["bash", { command: "ls" }, { safe: "deferred", guided: "deferred", autonomous: "ran" }],
  ] as unknown as [string, string, unknown, Record<string, string>][];
  for (const mode of ["safe", "guided", "autonomous"]) {
    await t.step(mode, async () => {
      await withRuntime(
        { config: `[workspace]\nmode = "${mode}"\n` },
        async (rt, { workspace }) => {
          await Deno.writeTextFile(join(workspace, "a.txt"), "hello");
          for (
            const [tool, args, expected] of table as unknown as [
              string,
              unknown,
              Record<string, string>,
            ][]
          ) {
            const r = await call(rt, tool, args);
            assert.equal(r.kind, expected[mode], `${tool} in ${mode}: ${JSON.stringify(r)}`);
          }
          // Outside the workspace, every mode asks (escape_policy = "ask").
          const out = await call(rt, "read_file", { path: "/tmp" });
          assert.notEqual(out.kind, "ran");
        },
      );
    });
  }
});

Deno.test("escape_policy = deny blocks outside paths in every mode without asking", async () => {
  const ch = new ScriptedChannel(answer("allow_always"));
  await withRuntime(
    { channel: ch, config: `[workspace]\nmode = "autonomous"\nescape_policy = "deny"\n` },
    async (rt, { root }) => {
      const r = await call(rt, "write_file", { path: join(root, "x.txt"), content: "x" });
      assert.equal(r.kind, "denied");
      assert.equal(ch.seen.length, 0);
    },
  );
});

Deno.test("the approval prompt shows the diff, and what runs is what was approved", async () => {
  let shown: ApprovalRequest | undefined;
  const ch = new ScriptedChannel((r) => {
    shown = r;
    return answer("allow_once")(r);
  });
  await withRuntime({ channel: ch }, async (rt, { workspace }) => {
    await Deno.writeTextFile(join(workspace, "a.txt"), "old line\n");
    const r = await call(rt, "write_file", { path: "a.txt", content: "new line\n" });
    assert.equal(r.kind, "ran");
    assert.match(shown!.preview ?? "", /-old line\n\+new line/);
    assert.equal(await Deno.readTextFile(join(workspace, "a.txt")), "new line\n");
  });
});

Deno.test("a path swapped between approval and execution is not run", async () => {
  await withRuntime({}, async (rt, { workspace, root }) => {
    await Deno.mkdir(join(workspace, "data"));
    await Deno.mkdir(join(root, "elsewhere"));
    const swapping = new ScriptedChannel((r) => {
      // While the human looks, data/ becomes a link out of the workspace.
      Deno.removeSync(join(workspace, "data"));
      Deno.symlinkSync(join(root, "elsewhere"), join(workspace, "data"));
      return answer("allow_once")(r);
    });
    const { openSecurityRuntime } = await import("../../src/runtime/mod.ts");
    const other = await openSecurityRuntime({
      home: rt.home,
      workspace,
      env: { ASTRID_SYSTEM_CONFIG: join(root, "none.toml") },
      channel: swapping,
    });
    try {
      const r = await call(other, "write_file", { path: "data/x.txt", content: "x" });
      assert.equal(r.kind, "denied", JSON.stringify(r));
      assert.match(r.kind === "denied" ? r.reason : "", /changed between approval and execution/);
      assert.equal(
        await Deno.stat(join(root, "elsewhere", "x.txt")).then(() => true, () => false),
        false,
      );
    } finally {
      await other.close();
    }
  });
});

Deno.test("every argument a tool accepts is accepted by the classifier too (grep options)", async () => {
  await withRuntime({ config: `[workspace]\nmode = "guided"\n` }, async (rt, { workspace }) => {
    await Deno.writeTextFile(join(workspace, "a.txt"), "Needle\n");
    const r = await call(rt, "grep", { pattern: "needle", case_insensitive: true, max_results: 5 });
    assert.equal(r.kind, "ran", JSON.stringify(r));
    assert.match(r.kind === "ran" ? r.result.output : "", /a\.txt:1:Needle/);
  });
});
