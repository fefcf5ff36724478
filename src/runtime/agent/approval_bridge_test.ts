import assert from "node:assert/strict";
import type { ApprovalRequest } from "../../security/mod.ts";
import { ApprovalBridge, type ApprovalRoute } from "./approval_bridge.ts";

const request = (id: string, sessionId = "s1"): ApprovalRequest => ({
  id,
  sessionId,
  principal: "p",
  requestedBy: "agent/task-1",
  actions: [],
  summary: ["Write file: /ws/x"],
  risk: "medium",
  actionHash: "h-" + id,
  reason: "asks",
  rememberable: true,
  createdAt: 0,
});

function route(id: string): ApprovalRoute & { shown: ApprovalRequest[] } {
  const shown: ApprovalRequest[] = [];
  return { frontendId: id, shown, show: (r) => void shown.push(r) };
}

Deno.test("ApprovalBridge shows a request to the session's frontend and returns its answer, bound to the action hash", async () => {
  const bridge = new ApprovalBridge();
  const r = route("cli:alice");
  bridge.attach("s1", r);
  const answer = bridge.request(request("a"), new AbortController().signal);
  assert.equal(r.shown[0]?.id, "a");
  assert.equal(bridge.answer(r, "a", "allow_once"), true);
  assert.deepEqual(await answer, {
    kind: "answered",
    decision: "allow_once",
    actionHash: "h-a",
    answeredBy: "cli:alice",
  });
  assert.equal(bridge.answer(r, "a", "deny"), false, "answered once only");
});

Deno.test("ApprovalBridge refuses an answer from another turn's route", async () => {
  const bridge = new ApprovalBridge();
  const alice = route("alice");
  const mallory = route("mallory");
  bridge.attach("s1", alice);
  bridge.attach("s2", mallory);
  const answer = bridge.request(request("a"), new AbortController().signal);
  assert.equal(bridge.answer(mallory, "a", "allow_always"), false);
  assert.equal(bridge.answer({ ...alice }, "a", "allow_always"), false, "a copy is not the route");
  assert.equal(mallory.shown.length, 0);
  assert.equal(bridge.answer(alice, "a", "deny"), true);
  assert.equal((await answer).kind, "answered");
});

Deno.test("ApprovalBridge answers unavailable with no frontend, on abort and when the turn ends", async () => {
  const bridge = new ApprovalBridge();
  assert.equal(
    (await bridge.request(request("a"), new AbortController().signal)).kind,
    "unavailable",
  );
  const r = route("x");
  const detach = bridge.attach("s1", r);
  const ac = new AbortController();
  const aborted = bridge.request(request("b"), ac.signal);
  ac.abort();
  assert.equal((await aborted).kind, "unavailable");
  const pending = bridge.request(request("c"), new AbortController().signal);
  assert.deepEqual(bridge.waiting().map((w) => w.id), ["c"]);
  detach();
  assert.equal((await pending).kind, "unavailable");
  assert.deepEqual(bridge.waiting(), []);
  assert.throws(() => bridge.answer(r, "c", "yes" as never), TypeError);
  assert.throws(() => {
    bridge.attach("s2", r);
    bridge.attach("s2", r);
  }, RangeError);
});
