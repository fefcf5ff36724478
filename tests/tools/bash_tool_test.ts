import assert from "node:assert/strict";
import { bashTool } from "../../src/tools/mod.ts";
import { withFixture } from "./_fixture.ts";

Deno.test("bash runs in the workspace with a scrubbed environment: secrets never reach the child", async () => {
  await withFixture(async ({ ws, ctx, ctxWith }) => {
    const env = {
      ...ctx.env,
      ASTRID_SECRET_TEST: "xyz",
      ANTHROPIC_API_KEY: "sk-live",
      GITHUB_TOKEN: "ghp",
    };
    const c = ctxWith({
      env,
      limits: {
        ...ctx.limits,
        env_allowlist: [...ctx.limits.env_allowlist, "ANTHROPIC_API_KEY", "GITHUB_TOKEN"],
      },
    });
    const r = await bashTool.execute({ command: "pwd; env" }, c);
    assert.equal(r.ok, true, r.output);
    assert.ok(r.output.startsWith(`${ws}\n`), "runs in the workspace root");
    assert.doesNotMatch(r.output, /xyz|sk-live|ghp|ASTRID_|API_KEY|TOKEN/);
    assert.match(r.output, /PATH=/);
  });
});

Deno.test("bash kills the whole process group when the command outlives its timeout", async () => {
  await withFixture(async ({ ws, ctxWith, ctx }) => {
    const c = ctxWith({ limits: { ...ctx.limits, bash_timeout_secs: 1 } });
    const r = await bashTool.execute({
      command: `sleep 1000 & echo $! > ${ws}/bg.pid; sleep 1000`,
    }, c);
    assert.equal(r.ok, false);
    assert.match(r.output, /timed out after 1 s; its process group was killed/);
    const pid = Number((await Deno.readTextFile(`${ws}/bg.pid`)).trim());
    // Give the kernel a moment to reap, then the background child must be gone.
    let alive = true;
    for (let i = 0; i < 20 && alive; i++) {
      const st = await new Deno.Command("ps", {
        args: ["-o", "stat=", "-p", String(pid)],
        stdout: "piped",
      }).output();
      const stat = new TextDecoder().decode(st.stdout).trim();
      alive = stat !== "" && !stat.startsWith("Z");
      if (alive) await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(alive, false, `background child ${pid} was killed with its group`);
  });
});

Deno.test("bash stops on abort and caps its output", async () => {
  await withFixture(async ({ ctx, ctxWith }) => {
    const ac = new AbortController();
    const p = bashTool.execute({ command: "sleep 30" }, ctxWith({ signal: ac.signal }));
    setTimeout(() => ac.abort(), 100);
    const r = await p;
    assert.match(r.output, /cancelled/);
    const big = await bashTool.execute(
      { command: "head -c 5000 /dev/zero | tr '\\0' x" },
      ctxWith({ limits: { ...ctx.limits, max_output_bytes: 100 } }),
    );
    assert.match(big.output, /^x{100}\n\[output truncated: 4900 more bytes, limit 100\]/);
    const fail = await bashTool.execute({ command: "exit 3" }, ctx);
    assert.equal(fail.ok, false);
    assert.match(fail.output, /\[exit code 3\]/);
  });
});
