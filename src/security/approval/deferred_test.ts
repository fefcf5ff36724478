import assert from "node:assert/strict";
import type { ApprovalRequest } from "./approval.ts";
import { expireIfStale, type QueuedApproval, resolveQueued, useQueued } from "./deferred.ts";

const request = { id: "r1", actionHash: "h" } as unknown as ApprovalRequest;
const q: QueuedApproval = { request, expiresAt: 1000, status: "pending" };

Deno.test("resolveQueued() answers a pending request once, and never after expiry", () => {
  const a = resolveQueued(q, "approved", "cli:alice", 10);
  assert.equal(a.ok && a.next.status, "approved");
  const again = resolveQueued(a.ok ? a.next : q, "denied", "cli:bob", 11);
  assert.equal(again.ok, false);
  assert.match(!again.ok ? again.reason : "", /already approved/);
  assert.equal(resolveQueued(q, "approved", "x", 1000).ok, false);
});

Deno.test("expireIfStale() turns only stale pending requests into expired ones", () => {
  assert.equal(expireIfStale(q, 999), undefined);
  assert.equal(expireIfStale(q, 1000)?.status, "expired");
  assert.equal(expireIfStale({ ...q, status: "approved" }, 5000), undefined);
});

Deno.test("useQueued() spends an approved request exactly once", () => {
  const approved: QueuedApproval = { ...q, status: "approved" };
  const used = useQueued(approved, 20);
  assert.equal(used.ok && used.next.status, "used");
  assert.equal(useQueued(used.ok ? used.next : approved, 21).ok, false);
  assert.equal(useQueued(q, 21).ok, false, "a pending request authorizes nothing");
});
