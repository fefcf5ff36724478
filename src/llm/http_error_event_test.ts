import assert from "node:assert/strict";
import { codeOfStatus, errorDetail, httpErrorEvent } from "./http_error_event.ts";

Deno.test("codeOfStatus() maps statuses and overload to codes", async (t) => {
  const cases: [number, string, string][] = [
    [429, "rate_limit_error: slow", "rate_limited"],
    [529, "", "overloaded"],
    [503, "overloaded_error: Overloaded", "overloaded"],
    [500, "api_error", "server_error"],
    [502, "bad gateway", "server_error"],
    [401, "authentication_error", "auth"],
    [403, "permission_error", "auth"],
    [404, "not_found_error", "not_found"],
    [400, "invalid_request_error: bad", "bad_request"],
    [413, "too large", "bad_request"],
    [400, "overloaded_error: busy", "overloaded"],
    [400, "invalid_request_error: prompt says overloaded", "bad_request"],
    [302, "moved", "provider_error"],
  ];
  for (const [status, detail, code] of cases) {
    await t.step(`${status} ${detail}`, () => assert.equal(codeOfStatus(status, detail), code));
  }
});

Deno.test("errorDetail() reads Anthropic, OpenAI, Ollama and plain bodies", () => {
  assert.equal(
    errorDetail('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'),
    "overloaded_error: Overloaded",
  );
  assert.equal(
    errorDetail(
      '{"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}}',
    ),
    "invalid_request_error: Incorrect API key",
  );
  assert.equal(errorDetail('{"error":"model \\"x\\" not found"}'), 'model "x" not found');
  assert.equal(errorDetail('{"message":"nope"}'), "nope");
  assert.equal(errorDetail("  <html>502</html> "), "<html>502</html>");
  assert.equal(errorDetail("[1,2]"), "[1,2]");
});

Deno.test("httpErrorEvent() marks only retryable statuses retryable and hints on auth", () => {
  assert.deepEqual(
    httpErrorEvent("openai", 401, '{"error":{"message":"bad key"}}', "check OPENAI_API_KEY"),
    {
      kind: "error",
      code: "auth",
      message: "openai refused the request: HTTP 401: bad key; check OPENAI_API_KEY",
      retryable: false,
    },
  );
  assert.equal(httpErrorEvent("x", 429, "").retryable, true);
  assert.equal(httpErrorEvent("x", 400, "", "hint").message, "x refused the request: HTTP 400");
});
