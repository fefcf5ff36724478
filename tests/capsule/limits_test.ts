/**
 * Hostile guests against the hard limits: endless loops in a call and in
 * initialisation, memory bombs, oversized output, log floods, traps. Each is
 * contained with a clear error, and the host, other capsules and the same
 * capsule (re-instantiated) keep working.
 */

import assert from "node:assert/strict";
import { AstridError } from "../../src/core/mod.ts";
import { startFixture } from "./_capsule.ts";

const SHORT = { callTimeoutMs: 1000 };

function isError(code: string, message: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof AstridError, `expected AstridError, got ${e}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  };
}

Deno.test("a guest that loops forever in a call is stopped; it and another capsule keep working", async () => {
  const runaway = await startFixture("runaway", { limits: SHORT });
  const bystander = await startFixture("runaway", { name: "bystander", limits: SHORT });
  try {
    assert.equal(new TextDecoder().decode(await runaway.capsule.call("count")), "1");
    const spinning = runaway.capsule.call("spin");
    // The other capsule answers while the first one spins in its own worker.
    assert.equal(new TextDecoder().decode(await bystander.capsule.call("ok")), "ok");
    await assert.rejects(
      spinning,
      isError(
        "CAPSULE_TIMEOUT",
        /capsule "runaway" call "spin" ran longer than 1000 ms and was stopped/,
      ),
    );
    // Same capsule, re-instantiated from the cached module: works, state was reset.
    assert.equal(new TextDecoder().decode(await runaway.capsule.call("ok")), "ok");
    assert.equal(new TextDecoder().decode(await runaway.capsule.call("count")), "1");
    assert.equal(runaway.capsule.starts, 2);
    assert.equal(bystander.capsule.starts, 1);
    assert.equal(new TextDecoder().decode(await bystander.capsule.call("count")), "1");
  } finally {
    await runaway.close();
    await bystander.close();
  }
});

Deno.test("a guest that loops forever in its start section is refused at load", async () => {
  await assert.rejects(
    startFixture("start_loop", { limits: SHORT }),
    isError("CAPSULE_TIMEOUT", /capsule "start-loop" initialisation ran longer than 1000 ms/),
  );
});

Deno.test("a guest that loops forever in _start is refused at load", async () => {
  await assert.rejects(
    startFixture("underscore_start_loop", { limits: SHORT }),
    isError("CAPSULE_TIMEOUT", /initialisation ran longer than 1000 ms/),
  );
});

Deno.test("memory.grow stops at the capsule's memory ceiling and the capsule keeps working", async () => {
  const bomb = await startFixture("memory_bomb", { memoryBytes: 4 * 1024 * 1024 });
  try {
    const pages = new DataView((await bomb.capsule.call("grow_pages")).buffer).getUint32(0, true);
    assert.equal(pages, 64, "4 MiB is 64 pages");
    const huge = new DataView((await bomb.capsule.call("grow_huge")).buffer).getInt32(0, true);
    assert.equal(huge, -1, "memory.grow of 1 GiB fails inside the guest");
    assert.equal(bomb.capsule.starts, 1);
  } finally {
    await bomb.close();
  }
});

Deno.test("the default ceiling is 64 MiB", async () => {
  const bomb = await startFixture("memory_bomb");
  try {
    const pages = new DataView((await bomb.capsule.call("grow_pages")).buffer).getUint32(0, true);
    assert.equal(pages, 1024);
  } finally {
    await bomb.close();
  }
});

Deno.test("a host-side allocation over the ceiling fails the call with a clear error", async () => {
  const bomb = await startFixture("memory_bomb", { memoryBytes: 4 * 1024 * 1024 });
  try {
    await assert.rejects(
      bomb.capsule.call("alloc_huge"),
      isError(
        "CAPSULE_LIMIT",
        /host memory limit: the capsule asked Extism for 1073741824 bytes .* the limit is 4194304/,
      ),
    );
    const pages = new DataView((await bomb.capsule.call("grow_pages")).buffer).getUint32(0, true);
    assert.equal(pages, 64, "works again after the failed call");
  } finally {
    await bomb.close();
  }
});

Deno.test("an output over the limit is refused; a smaller one passes", async () => {
  const out = await startFixture("output_bomb", { limits: { maxOutputBytes: 1024 * 1024 } });
  const size = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  };
  try {
    assert.equal((await out.capsule.call("big", size(1024 * 1024))).length, 1024 * 1024);
    await assert.rejects(
      out.capsule.call("big", size(1024 * 1024 + 1)),
      isError("CAPSULE_LIMIT", /call "big" returned 1048577 bytes; the output limit is 1048576/),
    );
    assert.equal((await out.capsule.call("big", size(10))).length, 10);
  } finally {
    await out.close();
  }
});

Deno.test("a log flood is cut at the per-call log limit with a refusal the guest can read", async () => {
  const flood = await startFixture("log_flood", { limits: { maxLogBytesPerCall: 1000 } });
  try {
    const reply = JSON.parse(
      new TextDecoder().decode(
        await flood.capsule.call("flood", JSON.stringify({ message: "x".repeat(100) })),
      ),
    );
    assert.deepEqual(reply.ok, false);
    assert.equal(reply.code, "limit");
    assert.match(reply.message, /log limit: the capsule logged over 1000 bytes in one call/);
    const info = flood.logs.filter((l) => l.level === "info");
    assert.equal(info.length, 10, "ten messages of 100 bytes fit");
    assert.ok(flood.logs.some((l) => l.level === "warn" && /dropping/.test(l.message)));
  } finally {
    await flood.close();
  }
});

Deno.test("a trap fails the call; the next call gets a fresh instance", async () => {
  const c = await startFixture("runaway");
  try {
    assert.equal(new TextDecoder().decode(await c.capsule.call("count")), "1");
    await assert.rejects(
      c.capsule.call("trap"),
      isError("CAPSULE_CALL_FAILED", /call "trap" failed: .*unreachable/),
    );
    assert.equal(new TextDecoder().decode(await c.capsule.call("count")), "1");
    await assert.rejects(
      c.capsule.call("missing"),
      isError("CAPSULE_CALL_FAILED", /has no export "missing"/),
    );
  } finally {
    await c.close();
  }
});

Deno.test("a closed capsule refuses calls", async () => {
  const c = await startFixture("runaway");
  await c.close();
  await assert.rejects(c.capsule.call("ok"), isError("CAPSULE_CLOSED", /is closed/));
});
