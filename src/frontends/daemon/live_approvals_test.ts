import assert from "node:assert/strict";
import type { ApprovalDecision, ApprovalRequest } from "../../security/mod.ts";
import { LiveApprovals } from "./live_approvals.ts";

function request(id: string, principal = "local"): ApprovalRequest {
  return {
    id,
    sessionId: "s1",
    principal,
    requestedBy: "agent",
    actions: [],
    summary: ["Write file: /w/x"],
    risk: "medium",
    actionHash: "h",
    reason: "safe mode",
    rememberable: true,
    createdAt: 0,
  } as ApprovalRequest;
}

function add(live: LiveApprovals, id: string, principal = "local") {
  const got: [ApprovalDecision, string][] = [];
  const withdrawn: string[] = [];
  live.add(
    { sessionId: "s1", agent: "agent", request: request(id, principal) },
    (d, by) => {
      got.push([d, by]);
      return true;
    },
    (r) => withdrawn.push(r),
  );
  return { got, withdrawn };
}

Deno.test("LiveApprovals: the first answer resolves the request; later ones learn who answered", () => {
  const live = new LiveApprovals();
  const { got } = add(live, "r1");
  assert.equal(live.answer("r1", "local", "allow_once", "a/c1").kind, "answered");
  assert.deepEqual(live.answer("r1", "local", "deny", "b/c2"), {
    kind: "already_answered",
    decision: "allow_once",
    answeredBy: "a/c1",
  });
  assert.deepEqual(got, [["allow_once", "a/c1"]], "the resolver ran exactly once");
  assert.equal(live.pending().length, 0);
});

Deno.test("LiveApprovals: another principal can neither answer nor learn of a request", () => {
  const live = new LiveApprovals();
  const { got } = add(live, "r1", "alice");
  assert.deepEqual(live.answer("r1", "bob", "allow_always", "bob/c1"), { kind: "unknown" });
  live.answer("r1", "alice", "deny", "alice/c1");
  assert.deepEqual(live.answer("r1", "bob", "deny", "bob/c1"), { kind: "unknown" });
  assert.deepEqual(got, [["deny", "alice/c1"]]);
  assert.deepEqual(live.answer("nope", "alice", "deny", "x"), { kind: "unknown" });
});

Deno.test("LiveApprovals: a withdrawn request cannot be answered and tells its waiter", () => {
  const live = new LiveApprovals();
  const { got, withdrawn } = add(live, "r1");
  assert.equal(live.withdraw("r1", "timed out")?.request.id, "r1");
  assert.equal(live.withdraw("r1", "again"), undefined);
  assert.deepEqual(withdrawn, ["timed out"]);
  assert.deepEqual(live.answer("r1", "local", "allow_once", "a"), {
    kind: "withdrawn",
    reason: "timed out",
  });
  assert.deepEqual(got, []);
});

Deno.test("LiveApprovals: an answer the waiter no longer takes counts as withdrawn", () => {
  const live = new LiveApprovals();
  live.add({ sessionId: "s1", agent: "agent", request: request("r1") }, () => false);
  assert.equal(live.answer("r1", "local", "allow_once", "a").kind, "withdrawn");
  assert.throws(
    () => live.add({ sessionId: "s1", agent: "agent", request: request("r1") }, () => true),
    RangeError,
  );
});
