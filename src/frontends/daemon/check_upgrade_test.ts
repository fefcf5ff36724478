import assert from "node:assert/strict";
import { checkUpgrade, type UpgradeRequest } from "./check_upgrade.ts";
import { credentialOf } from "./credentials.ts";

const PORT = 41234;
const TOKEN = "t".repeat(43);
const creds = [credentialOf("local", TOKEN), credentialOf("bot", "b".repeat(43))];

function req(over: Partial<UpgradeRequest> & { headers?: Record<string, string | null> } = {}) {
  const headers: Record<string, string | null> = {
    host: `127.0.0.1:${PORT}`,
    upgrade: "websocket",
    authorization: `Bearer ${TOKEN}`,
    ...over.headers,
  };
  return {
    method: over.method ?? "GET",
    path: over.path ?? "/rpc",
    query: over.query ?? "",
    header: (n: string) => headers[n] ?? null,
  };
}

Deno.test("checkUpgrade() lets in a loopback upgrade with a valid bearer token, as its principal", () => {
  assert.deepEqual(checkUpgrade(req(), PORT, creds), { ok: true, principal: "local" });
  const bot = req({ headers: { authorization: `Bearer ${"b".repeat(43)}` } });
  assert.deepEqual(checkUpgrade(bot, PORT, creds), { ok: true, principal: "bot" });
  const localhost = req({ headers: { host: `localhost:${PORT}` } });
  assert.equal(checkUpgrade(localhost, PORT, creds).ok, true);
});

Deno.test("checkUpgrade() refuses what a web page, a URL or a stranger could send", async (t) => {
  const cases: [string, ReturnType<typeof req>, number, string][] = [
    ["other path", req({ path: "/" }), 404, "not_found"],
    ["POST", req({ method: "POST" }), 405, "method"],
    ["no Host", req({ headers: { host: null } }), 403, "foreign_host"],
    ["foreign Host", req({ headers: { host: `attacker.example:${PORT}` } }), 403, "foreign_host"],
    ["Host without port", req({ headers: { host: "127.0.0.1" } }), 403, "foreign_host"],
    ["Host, other port", req({ headers: { host: `127.0.0.1:${PORT + 1}` } }), 403, "foreign_host"],
    ["IPv6 loopback Host", req({ headers: { host: `[::1]:${PORT}` } }), 403, "foreign_host"],
    ["Origin", req({ headers: { origin: "https://example.com" } }), 403, "browser_origin"],
    ["own Origin", req({ headers: { origin: `http://127.0.0.1:${PORT}` } }), 403, "browser_origin"],
    ["empty Origin", req({ headers: { origin: "" } }), 403, "browser_origin"],
    ["query token", req({ query: `token=${TOKEN}` }), 400, "query_string"],
    ["any query", req({ query: "x=1" }), 400, "query_string"],
    ["plain GET", req({ headers: { upgrade: null } }), 426, "not_websocket"],
    ["no token", req({ headers: { authorization: null } }), 401, "no_token"],
    [
      "wrong token",
      req({ headers: { authorization: `Bearer ${"x".repeat(43)}` } }),
      401,
      "wrong_token",
    ],
    [
      "token prefix",
      req({ headers: { authorization: `Bearer ${TOKEN.slice(0, 42)}` } }),
      401,
      "wrong_token",
    ],
    ["token plus", req({ headers: { authorization: `Bearer ${TOKEN}x` } }), 401, "wrong_token"],
    [
      "lower-case scheme",
      req({ headers: { authorization: `bearer ${TOKEN}` } }),
      401,
      "wrong_token",
    ],
    ["Basic", req({ headers: { authorization: `Basic ${TOKEN}` } }), 401, "wrong_token"],
    ["two spaces", req({ headers: { authorization: `Bearer  ${TOKEN}` } }), 401, "wrong_token"],
    ["empty token", req({ headers: { authorization: "Bearer " } }), 401, "wrong_token"],
  ];
  for (const [name, r, status, reason] of cases) {
    await t.step(name, () => {
      const v = checkUpgrade(r, PORT, creds);
      assert.equal(v.ok, false);
      if (v.ok) return;
      assert.equal(v.status, status);
      assert.equal(v.reason, reason);
      assert.ok(!v.message.includes(TOKEN), "a refusal never repeats the token");
    });
  }
});

Deno.test("checkUpgrade() checks Host and Origin before it looks at any token", () => {
  const v = checkUpgrade(
    req({ headers: { origin: "https://x.example", authorization: null } }),
    PORT,
    creds,
  );
  assert.equal(!v.ok && v.reason, "browser_origin");
});
