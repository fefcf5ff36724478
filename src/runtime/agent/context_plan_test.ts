import assert from "node:assert/strict";
import { planCompaction, transcriptOf } from "./context_plan.ts";
import type { RecordBody } from "./session_record.ts";

const user = (n: number): RecordBody => ({ kind: "user", text: "u".repeat(n) });
const call = (id: string): RecordBody => ({
  kind: "assistant",
  text: "",
  toolCalls: [{ id, name: "read_file", arguments: {} }],
});
const result = (id: string, n: number): RecordBody => ({
  kind: "tool_result",
  callId: id,
  toolName: "read_file",
  source: "tool:read_file",
  content: "r".repeat(n),
  status: "ok",
});
const SIZE = { contextWindow: 1000, maxTokens: 100, fixedChars: 0 };

Deno.test("planCompaction() does nothing while the call fits", () => {
  assert.equal(planCompaction([user(100), call("1"), result("1", 100)], SIZE), undefined);
});

Deno.test("planCompaction() cuts before a user or assistant record, never between a call and its result", () => {
  const bodies = [user(1000), call("1"), result("1", 1000), user(400), call("2"), result("2", 400)];
  const plan = planCompaction(bodies, SIZE);
  assert.ok(plan);
  assert.notEqual(bodies[plan.splitAt]?.kind, "tool_result");
  assert.ok(plan.splitAt > 0);
  assert.equal(plan.splitAt, 4, "keeps the last step, which fits in 30% of the window");
});

Deno.test("planCompaction() uses the provider's count when it is larger than the estimate", () => {
  const bodies = [user(10), call("1"), result("1", 10), user(10)];
  assert.equal(planCompaction(bodies, SIZE), undefined);
  assert.equal(planCompaction(bodies, SIZE, 900)?.splitAt, 1, "all but the oldest record fit");
});

Deno.test("planCompaction() gives up when there is nothing older to summarize", () => {
  assert.equal(planCompaction([user(10_000)], SIZE), undefined);
});

Deno.test("transcriptOf() marks tool output as untrusted and keeps the newest part", () => {
  const t = transcriptOf("before", [user(5), call("1"), result("1", 5)], 10_000);
  assert.match(t, /^\[Earlier summary\]\nbefore/);
  assert.match(t, /\[Tool result: read_file, ok, untrusted data\]\nrrrrr/);
  const cut = transcriptOf(undefined, [user(50), user(5)], 20);
  assert.match(cut, /^\[\.\.\. earlier part cut \.\.\.\]\n/);
  assert.ok(cut.endsWith("uuuuu"));
});
