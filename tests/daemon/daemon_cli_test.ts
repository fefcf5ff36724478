/**
 * `astrid daemon status|stop|run` in-process: what they say when no daemon
 * runs or its state file is stale, and usage errors.
 */

import assert from "node:assert/strict";
import { CapturedIo, runCli } from "../../src/frontends/cli/mod.ts";
import { daemonPaths } from "../../src/frontends/daemon/mod.ts";
import { type Dirs, startDaemon, withDirs } from "./_daemon.ts";

async function cli(d: Dirs, ...args: string[]) {
  const io = new CapturedIo();
  const code = await runCli(args, { io, env: { ASTRID_HOME: d.home, ...d.env }, cwd: d.workspace });
  return { code, out: io.out, err: io.err };
}

Deno.test("daemon status reports no daemon and a stale state file, with exit status 1", async () => {
  await withDirs("", async (d) => {
    assert.deepEqual(await cli(d, "daemon", "status", "--json"), {
      code: 1,
      out: '{"running":false,"kind":"none"}\n',
      err: "",
    });
    const stale = {
      v: 1,
      pid: 2 ** 22 + 9,
      port: 9,
      mode: "ephemeral",
      protocol: 1,
      version: "x",
      startedAt: 0,
      workspace: "/",
    };
    await Deno.writeTextFile(daemonPaths(d.home).state, JSON.stringify(stale));
    const r = await cli(d, "daemon", "status");
    assert.deepEqual([r.code, r.out], [
      1,
      `daemon: not running (stale state file: pid ${stale.pid} is gone)\n`,
    ]);
    const stop = await cli(d, "daemon", "stop", "--json");
    assert.deepEqual([stop.code, JSON.parse(stop.out).stopped], [0, false]);
  });
});

Deno.test("daemon status --json of a running daemon, in-process", async () => {
  await withDirs("", async (d) => {
    const daemon = await startDaemon(d);
    try {
      const r = await cli(d, "daemon", "status", "--json");
      assert.equal(r.code, 0, r.err);
      const s = JSON.parse(r.out);
      assert.deepEqual([s.running, s.port, s.clients, s.protocol], [true, daemon.state.port, 1, 1]);
    } finally {
      await daemon.stop();
    }
  });
});

Deno.test("daemon run and stop refuse malformed durations as usage errors", async (t) => {
  await withDirs("", async (d) => {
    for (
      const args of [["run", "--grace-period", "soon"], ["run", "--grace-period", "-1"], [
        "stop",
        "--timeout",
        "1.5",
      ]]
    ) {
      await t.step(args.join(" "), async () => {
        const r = await cli(d, "daemon", ...args);
        assert.equal(r.code, 2);
        assert.match(r.err, /is not a whole number of seconds/);
      });
    }
  });
});
