import assert from "node:assert/strict";
import fc from "fast-check";
import { type SseEvent, SseParser } from "./sse_parser.ts";

function parse(chunks: readonly string[], maxEventChars?: number): SseEvent[] {
  const parser = new SseParser(maxEventChars === undefined ? {} : { maxEventChars });
  const out: SseEvent[] = [];
  for (const c of chunks) parser.push(c, out);
  return out;
}

Deno.test("SseParser reads events, names, comments and multi-line data", async (t) => {
  const cases: [string, string, SseEvent[]][] = [
    ["one data event", "data: hi\n\n", [{ event: "message", data: "hi" }]],
    ["a named event", "event: ping\ndata: {}\n\n", [{ event: "ping", data: "{}" }]],
    ["data lines join with LF", "data: a\ndata: b\ndata:\n\n", [{
      event: "message",
      data: "a\nb\n",
    }]],
    ["a comment is ignored", ": keep-alive\n\ndata: x\n\n", [{ event: "message", data: "x" }]],
    ["only one leading space is dropped", "data:  two\n\n", [{ event: "message", data: " two" }]],
    ["no space after the colon", "data:x\n\n", [{ event: "message", data: "x" }]],
    ["a line without a colon is a field with no value", "data\n\n", [{
      event: "message",
      data: "",
    }]],
    ["an event without data is dropped", "event: x\n\ndata: y\n\n", [{
      event: "message",
      data: "y",
    }]],
    ["the event type resets after dispatch", "event: a\ndata: 1\n\ndata: 2\n\n", [
      { event: "a", data: "1" },
      { event: "message", data: "2" },
    ]],
    ["id, retry and unknown fields are ignored", "id: 7\nretry: 10\nfoo: bar\ndata: z\n\n", [
      { event: "message", data: "z" },
    ]],
    ["CRLF line ends", "event: e\r\ndata: 1\r\n\r\n", [{ event: "e", data: "1" }]],
    ["CR line ends", "event: e\rdata: 1\r\r", [{ event: "e", data: "1" }]],
    ["a BOM at the start is dropped", "\ufeffdata: b\n\n", [{ event: "message", data: "b" }]],
    ["a colon in the value is kept", "data: a: b\n\n", [{ event: "message", data: "a: b" }]],
    ["an event still open at the end is discarded", "data: done\n\ndata: half", [
      { event: "message", data: "done" },
    ]],
    ["a last line without blank line is discarded", "data: [DONE]\n", []],
  ];
  for (const [name, text, expected] of cases) {
    await t.step(name, () => assert.deepEqual(parse([text]), expected));
  }
});

Deno.test("SseParser treats CR at the end of one chunk and LF at the start of the next as one line end", () => {
  assert.deepEqual(parse(["data: a\r", "\n\r", "\ndata: b\r\n\r\n"]), [
    { event: "message", data: "a" },
    { event: "message", data: "b" },
  ]);
});

Deno.test("SseParser keeps a BOM that is not at the very start", () => {
  assert.deepEqual(parse(["data: a\n\n", "\ufeffdata: b\n\n"]), [
    { event: "message", data: "a" },
  ]);
});

Deno.test("SseParser refuses an event larger than its limit, in one line or many", () => {
  assert.throws(() => parse(["data: " + "x".repeat(100)], 50), RangeError);
  assert.throws(
    () => parse([Array.from({ length: 20 }, () => "data: xxxxx\n").join("")], 50),
    RangeError,
  );
  assert.deepEqual(parse(["data: " + "x".repeat(40) + "\n\n"], 50).length, 1);
});

const lineEnd = fc.constantFrom("\n", "\r\n", "\r");
const value = fc.string({ maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));
const event = fc.record({
  name: fc.option(value.filter((s) => s.length > 0 && !s.startsWith(" ")), { nil: undefined }),
  lines: fc.array(value, { minLength: 1, maxLength: 3 }),
  comment: fc.boolean(),
});

Deno.test("SseParser gives the same events however the stream is split and whatever the line ends", () => {
  fc.assert(
    fc.property(
      fc.array(event, { maxLength: 6 }),
      lineEnd,
      fc.array(fc.nat(), { maxLength: 8 }),
      (events, nl, cuts) => {
        let text = "";
        const expected: SseEvent[] = [];
        for (const e of events) {
          if (e.comment) text += `: note${nl}`;
          if (e.name !== undefined) text += `event: ${e.name}${nl}`;
          for (const l of e.lines) text += `data: ${l}${nl}`;
          text += nl;
          expected.push({ event: e.name ?? "message", data: e.lines.join("\n") });
        }
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let from = 0;
        for (const p of points) {
          chunks.push(text.slice(from, p));
          from = p;
        }
        chunks.push(text.slice(from));
        assert.deepEqual(parse(chunks), expected);
      },
    ),
    { numRuns: 500 },
  );
});
