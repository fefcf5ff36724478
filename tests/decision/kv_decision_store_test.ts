import assert from "node:assert/strict";
import { join } from "node:path";
import type { ApprovalRequest, DecisionRecord } from "../../src/security/mod.ts";
import { verifyKvAuditLog } from "../../src/storage/audit/mod.ts";
import { openStore } from "./_open_store.ts";

const record = (over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  sessionId: "s1",
  principal: "local",
  requestedBy: "agent",
  tool: "write_file",
  actions: [{ kind: "file_write", path: "/w/a.txt", inWorkspace: true }],
  actionHash: "hash-a",
  decision: "allow",
  stage: "approval",
  reason: "approved",
  proof: { policy: "passed", via: "approval" },
  costMicros: 0,
  ...over,
});

/** An approval request as the interceptor queues it (for `record()`'s action). */
const queued = (id: string, reason: string): ApprovalRequest => ({
  id,
  sessionId: "s1",
  principal: "local",
  requestedBy: "agent",
  actions: record().actions,
  summary: ["Write file: /w/a.txt"],
  risk: "medium",
  actionHash: "hash-a",
  reason,
  rememberable: true,
  createdAt: 0,
});

/** Runs `fn` against a store on a temp KV file and on KV `:memory:`. */
function both(name: string, fn: (o: Awaited<ReturnType<typeof openStore>>) => Promise<void>) {
  for (const where of ["file", "memory"] as const) {
    Deno.test(`KvDecisionStore (${where}): ${name}`, async () => {
      const dir = where === "file" ? await Deno.makeTempDir() : undefined;
      const o = await openStore(dir ? join(dir, "state.kv") : ":memory:");
      try {
        await fn(o);
        const verdict = await verifyKvAuditLog(o.kv, { trusted: o.keyring });
        assert.equal(verdict.intact, true, `audit chain intact: ${JSON.stringify(verdict)}`);
      } finally {
        await o.close();
        if (dir) await Deno.remove(dir, { recursive: true });
      }
    });
  }
}

both(
  "a reservation that does not fit is recorded as the budget denial instead",
  async ({ store }) => {
    const r = record({ costMicros: 400_000 });
    const res = (id: string) => ({ id, amountMicros: 400_000, workspaceKey: "/w" });
    const a = await store.commit({
      record: r,
      reservation: res("1"),
      countsAsDenial: false,
    });
    const b = await store.commit({
      record: r,
      reservation: res("2"),
      countsAsDenial: false,
    });
    const c = await store.commit({
      record: r,
      reservation: res("3"),
      countsAsDenial: false,
    });
    assert.deepEqual([a.rejected, b.rejected, c.rejected?.stage], [undefined, undefined, "budget"]);
    assert.equal(c.denials.consecutive, 1, "a budget denial counts as a denial");
    const s = await store.readState("s1", "/w");
    assert.deepEqual(s.budget, { spentMicros: 0, reservedMicros: 800_000 });
  },
);

both("complete() settles a reservation exactly once", async ({ store }) => {
  const reservation = { id: "r", amountMicros: 300_000, workspaceKey: "/w" };
  const c = await store.commit({
    record: record({ costMicros: 300_000 }),
    reservation,
    countsAsDenial: false,
  });
  const done = {
    decision: c.entry,
    sessionId: "s1",
    principal: "local",
    reservation,
    actualMicros: 100_000,
    ok: true,
  };
  await store.complete(done);
  await store.complete(done);
  const s = await store.readState("s1", "/w");
  assert.deepEqual(s.budget, { spentMicros: 100_000, reservedMicros: 0 });
  assert.deepEqual(s.workspaceBudget, { spentMicros: 100_000, reservedMicros: 0 });
});

both(
  "allowances and denial counts survive in the store, linked to their entry",
  async ({ store }) => {
    const allowance = {
      id: "al1",
      pattern: "file:///w/a.txt",
      permission: "write" as const,
      createdAt: 1,
      auditEntryId: "",
    };
    const c = await store.commit({
      record: record(),
      allowances: [allowance],
      countsAsDenial: false,
    });
    for (let i = 0; i < 3; i++) {
      await store.commit({ record: record({ decision: "deny" }), countsAsDenial: true });
    }
    const s = await store.readState("s1", "/w");
    assert.equal(s.allowances[0]?.auditEntryId, c.entry.id);
    assert.equal(s.denials.paused, true);
    assert.equal((await store.readState("s2", "/w")).allowances.length, 0);
    await store.resume("s1", "local", "cli:test");
    assert.equal((await store.readState("s1", "/w")).denials.paused, false);
  },
);

both(
  "a queued request authorizes one identical call after a human approves it",
  async ({ store }) => {
    const request = queued("q1", "safe mode asks");
    await store.commit({
      record: record({ decision: "defer" }),
      deferred: { ...request, expiresAt: Date.UTC(2030, 0, 1) },
      countsAsDenial: false,
    });
    assert.equal(
      await store.findApprovedDeferred("s1", "hash-a"),
      undefined,
      "pending is not approved",
    );
    assert.equal((await store.listQueued()).length, 1);
    const answered = await store.answerQueued("q1", "approved", "cli:alice");
    assert.equal(answered.ok, true);
    const again = await store.answerQueued("q1", "denied", "cli:bob");
    assert.equal(again.ok, false, "a second answer is rejected");
    assert.equal(
      await store.findApprovedDeferred("s2", "hash-a"),
      undefined,
      "not for another session",
    );
    const id = await store.findApprovedDeferred("s1", "hash-a");
    assert.equal(id, "q1");
    await store.commit({ record: record(), consumeDeferred: "q1", countsAsDenial: false });
    assert.equal(await store.findApprovedDeferred("s1", "hash-a"), undefined, "spent once");
    await assert.rejects(
      store.commit({ record: record(), consumeDeferred: "q1", countsAsDenial: false }),
      /no longer approved/,
    );
  },
);

both("stale queued requests expire into a recorded denial", async ({ store, kv }) => {
  const request = queued("old", "asks");
  await store.commit({
    record: record({ decision: "defer" }),
    deferred: { ...request, expiresAt: 1 },
    countsAsDenial: false,
  });
  assert.equal(await store.expireStale(), 1);
  assert.equal(await store.expireStale(), 0);
  assert.equal((await store.answerQueued("old", "approved", "cli:late")).ok, false);
  const entries = [];
  for await (const e of kv.list({ prefix: ["audit", "e"] })) entries.push(e);
  assert.equal(entries.length, 2, "the deferral and its expiry are both in the log");
});

Deno.test("KvDecisionStore: 200 concurrent reservations from two processes on one KV file never overshoot", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "state.kv");
  try {
    const child = (seed: number) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--unstable-kv",
          "tests/decision/reserve_child.ts",
          path,
          "100",
          String(seed),
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const [a, b] = await Promise.all([child(1), child(2)]);
    for (const o of [a, b]) assert.equal(o.code, 0, new TextDecoder().decode(o.stderr));
    const reserved = [a, b].map((o) =>
      JSON.parse(new TextDecoder().decode(o.stdout)).reserved as number
    );
    // $1.00 session budget, $0.01 each: exactly 100 of the 200 fit.
    assert.equal(reserved[0]! + reserved[1]!, 100);
    const o = await openStore(path);
    try {
      const s = await o.store.readState("shared", "/w");
      assert.equal(s.budget.reservedMicros, 1_000_000);
      const verdict = await verifyKvAuditLog(o.kv, { trusted: o.keyring });
      assert.equal(verdict.intact, true);
      assert.equal(
        verdict.intact && verdict.length,
        200,
        "one decision entry per reservation attempt",
      );
    } finally {
      await o.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
