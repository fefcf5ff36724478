import assert from "node:assert/strict";
import { historyOf, openCalls, parseRecordBody, type RecordBody } from "./session_record.ts";

const user = (text: string): RecordBody => ({ kind: "user", text });
const calls = (...ids: string[]): RecordBody => ({
  kind: "assistant",
  text: "",
  toolCalls: ids.map((id) => ({ id, name: "read_file", arguments: { path: id } })),
});
const result = (callId: string, status: "ok" | "denied" = "ok"): RecordBody => ({
  kind: "tool_result",
  callId,
  toolName: "read_file",
  source: "tool:read_file",
  content: `content ${callId}`,
  status,
});

Deno.test("historyOf() pairs every call with its result and merges consecutive parts", () => {
  const h = historyOf("earlier", [
    user("a"),
    user("b"),
    calls("1", "2"),
    result("2"),
    result("1", "denied"),
  ]);
  assert.equal(h.length, 3);
  assert.equal(h[0]?.role, "user");
  assert.equal(h[0]?.content.length, 3, "summary, a and b in one user turn");
  assert.match(h[0]?.role === "user" ? h[0].content[0]!.text : "", /conversation_summary/);
  assert.equal(h[2]?.role, "tool");
  assert.deepEqual(h[2]?.role === "tool" ? h[2].content.map((p) => [p.callId, p.isError]) : [], [
    ["2", undefined],
    ["1", true],
  ]);
});

Deno.test("historyOf() leaves out a call without a result and a result without a call", () => {
  const h = historyOf(undefined, [user("go"), calls("1", "2"), result("1"), result("zzz")]);
  const assistant = h[1];
  assert.equal(assistant?.role, "assistant");
  assert.deepEqual(assistant?.content.map((p) => p.kind === "tool_call" && p.id), ["1"]);
  assert.equal(h[2]?.role === "tool" && h[2].content.length, 1);
  assert.equal(h.length, 3);
});

Deno.test("openCalls() lists the calls a crash left without a result", () => {
  assert.deepEqual(openCalls([user("x"), calls("1", "2"), result("1")]).map((c) => c.id), ["2"]);
  assert.deepEqual(openCalls([user("x"), calls("1"), result("1")]), []);
});

Deno.test("parseRecordBody() refuses damaged records, naming what is wrong", async (t) => {
  const cases: [unknown, RegExp][] = [
    [null, /not an object/],
    [[], /not an object/],
    [{ kind: "user" }, /"text" is not a string/],
    [{ kind: "assistant", text: "", toolCalls: "x" }, /"toolCalls" is not a list/],
    [
      { kind: "assistant", text: "", toolCalls: [{ id: 1, name: "x", arguments: {} }] },
      /tool call #0/,
    ],
    [
      { kind: "assistant", text: "", toolCalls: [{ id: "1", name: "x", arguments: [] }] },
      /tool call #0/,
    ],
    [
      {
        kind: "tool_result",
        callId: "1",
        toolName: "t",
        source: "s",
        content: "",
        status: "approved",
      },
      /unknown status "approved"/,
    ],
    [{ kind: "summary", text: "", throughIndex: 1.5 }, /"throughIndex"/],
    [{ kind: "grant", text: "" }, /unknown kind "grant"/],
  ];
  for (const [value, reason] of cases) {
    await t.step(JSON.stringify(value), () => {
      assert.throws(
        () => parseRecordBody(value, "s#1"),
        (e: unknown) =>
          e instanceof SyntaxError && /Session record s#1 is damaged/.test(e.message) &&
          reason.test(e.message),
      );
    });
  }
  assert.deepEqual(parseRecordBody({ kind: "user", text: "hi", extra: 1 }, "s#2"), {
    kind: "user",
    text: "hi",
  });
});
