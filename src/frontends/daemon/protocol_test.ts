import assert from "node:assert/strict";
import {
  errorMessage,
  MAX_MESSAGE_CHARS,
  parseMessage,
  resultMessage,
  RPC_ERRORS,
  RpcError,
} from "./protocol.ts";

Deno.test("parseMessage() reads requests, notifications and responses", () => {
  assert.deepEqual(parseMessage('{"jsonrpc":"2.0","id":1,"method":"a","params":{"x":1}}'), {
    kind: "request",
    id: 1,
    method: "a",
    params: { x: 1 },
  });
  assert.deepEqual(parseMessage('{"jsonrpc":"2.0","id":"k","method":"a"}'), {
    kind: "request",
    id: "k",
    method: "a",
    params: {},
  });
  assert.deepEqual(parseMessage('{"jsonrpc":"2.0","method":"a"}'), {
    kind: "notification",
    method: "a",
    params: {},
  });
  assert.deepEqual(parseMessage('{"jsonrpc":"2.0","id":1,"result":3}'), { kind: "response" });
});

Deno.test("parseMessage() refuses malformed frames with the right code, never throwing", async (t) => {
  const cases: [string, string, number, RegExp][] = [
    ["not JSON", "{", RPC_ERRORS.parseError, /not JSON/],
    ["a batch", "[{}]", RPC_ERRORS.invalidRequest, /Batches are not supported/],
    ["a number", "5", RPC_ERRORS.invalidRequest, /not a JSON-RPC object/],
    ["null", "null", RPC_ERRORS.invalidRequest, /not a JSON-RPC object/],
    ["no version", '{"id":1,"method":"a"}', RPC_ERRORS.invalidRequest, /"jsonrpc" must be "2.0"/],
    ["empty method", '{"jsonrpc":"2.0","id":1,"method":""}', RPC_ERRORS.invalidRequest, /"method"/],
    [
      "method not a string",
      '{"jsonrpc":"2.0","id":1,"method":7}',
      RPC_ERRORS.invalidRequest,
      /"method"/,
    ],
    ["object id", '{"jsonrpc":"2.0","id":{},"method":"a"}', RPC_ERRORS.invalidRequest, /"id"/],
    ["null id", '{"jsonrpc":"2.0","id":null,"method":"a"}', RPC_ERRORS.invalidRequest, /"id"/],
    [
      "array params",
      '{"jsonrpc":"2.0","id":1,"method":"a","params":[]}',
      RPC_ERRORS.invalidParams,
      /named/,
    ],
    [
      "string params",
      '{"jsonrpc":"2.0","id":1,"method":"a","params":"x"}',
      RPC_ERRORS.invalidParams,
      /named/,
    ],
  ];
  for (const [name, text, code, message] of cases) {
    await t.step(name, () => {
      const m = parseMessage(text);
      assert.equal(m.kind, "invalid");
      if (m.kind !== "invalid") return;
      assert.equal(m.error.code, code);
      assert.match(m.error.message, message);
    });
  }
  const huge = parseMessage(" ".repeat(MAX_MESSAGE_CHARS + 1));
  assert.equal(huge.kind, "invalid");
});

Deno.test("errorMessage() sends RpcErrors as they are and hides everything else", () => {
  assert.deepEqual(JSON.parse(errorMessage(3, new RpcError(-32001, "No session", { a: 1 }))), {
    jsonrpc: "2.0",
    id: 3,
    error: { code: -32001, message: "No session", data: { a: 1 } },
  });
  const hidden = JSON.parse(errorMessage(4, new Error("secret path /home/x")));
  assert.deepEqual(hidden.error, { code: RPC_ERRORS.internal, message: "Internal error" });
  assert.deepEqual(JSON.parse(resultMessage(5, undefined)), {
    jsonrpc: "2.0",
    id: 5,
    result: null,
  });
});
