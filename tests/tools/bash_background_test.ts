/**
 * Background children of a finished command: they hold the output pipes
 * open, so the call must not wait for them until its timeout; they are
 * killed with the group when the shell exits.
 */

import assert from "node:assert/strict";
import { bashTool } from "../../src/tools/mod.ts";
import { withFixture } from "./_fixture.ts";

/** True while `pid` exists and is not a zombie. */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // The state letter follows the command name in parentheses.
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

Deno.test("bash returns when the shell exits, and kills a background child that holds the output", async () => {
  await withFixture(async ({ ctx, ctxWith }) => {
    const c = ctxWith({ limits: { ...ctx.limits, bash_timeout_secs: 30 } });
    const t0 = performance.now();
    const r = await bashTool.execute({ command: "sleep 1000 & echo bg=$!" }, c);
    const took = performance.now() - t0;
    assert.equal(r.ok, true, r.output);
    assert.ok(took < 10_000, `returned after ${Math.round(took)} ms, not at the 30 s timeout`);
    const pid = Number(/bg=(\d+)/.exec(r.output)?.[1]);
    assert.ok(pid > 0, r.output);
    let still = true;
    for (let i = 0; i < 40 && still; i++) {
      still = await alive(pid);
      if (still) await new Promise((res) => setTimeout(res, 25));
    }
    assert.equal(still, false, `background child ${pid} outlived the call`);
  });
});

Deno.test("bash does not hang on a process that left its group and holds the output", async () => {
  await withFixture(async ({ ctx, ctxWith }) => {
    const c = ctxWith({ limits: { ...ctx.limits, bash_timeout_secs: 30 } });
    const t0 = performance.now();
    const r = await bashTool.execute(
      { command: "setsid sh -c 'echo escaped=$$; exec sleep 1000' & sleep 0.2" },
      c,
    );
    const took = performance.now() - t0;
    const pid = Number(/escaped=(\d+)/.exec(r.output)?.[1]);
    try {
      assert.ok(took < 10_000, `returned after ${Math.round(took)} ms`);
      assert.match(r.output, /left the command's process group still holds its output/);
    } finally {
      // The residual risk made concrete: setsid escapes the group kill.
      if (pid > 0) Deno.kill(pid, "SIGKILL");
    }
  });
});
