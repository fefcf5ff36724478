/**
 * `http-request` against a loopback server only. The refusals are tested as
 * they are (127.0.0.1, 169.254.169.254, redirects to them); for the paths
 * that need a "public" server, the address policy exempts exactly
 * 127.0.0.1/32, so a redirect to 169.254.169.254 is still refused.
 */

import assert from "node:assert/strict";
import { RecordingGate } from "../../src/capsule/mod.ts";
import { startFixture } from "./_capsule.ts";

const EXEMPT_LOOPBACK = { allowCidrs: ["127.0.0.1/32"] };

/** A loopback server that records the requests it got. */
function server() {
  const seen: { path: string; authorization: string | null }[] = [];
  const ac = new AbortController();
  const srv: Deno.HttpServer<Deno.NetAddr> = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    (req): Response => {
      const url = new URL(req.url);
      seen.push({ path: url.pathname, authorization: req.headers.get("authorization") });
      switch (url.pathname) {
        case "/hello":
          return new Response("hello", { headers: { "x-test": "1" } });
        case "/echo-auth":
          return new Response(`you sent: ${req.headers.get("authorization")}`);
        case "/to-metadata":
          return Response.redirect("http://169.254.169.254/latest/meta-data/", 302);
        case "/to-loopback2":
          return Response.redirect("http://127.0.0.2:9/", 302);
        case "/to-elsewhere":
          return Response.redirect("https://evil.example/", 302);
        case "/to-hello":
          return Response.redirect(`http://127.0.0.1:${port()}/hello`, 307);
        case "/loop":
          return Response.redirect(`http://127.0.0.1:${port()}/loop`, 302);
        case "/big":
          return new Response("x".repeat(100_000));
        default:
          return new Response("not found", { status: 404 });
      }
    },
  );
  const port = (): number => srv.addr.port;
  return {
    seen,
    get base() {
      return `http://127.0.0.1:${port()}`;
    },
    get grant() {
      return `127.0.0.1:${port()}`;
    },
    async close() {
      ac.abort();
      await srv.finished;
    },
  };
}

Deno.test("http-request to 127.0.0.1 is refused after the address check, even when granted", async () => {
  const s = server();
  const f = await startFixture("host_call", { grants: { net: [s.grant] } });
  try {
    const reply = await f.json("http_request", { url: `${s.base}/hello` });
    assert.equal(reply.ok, false);
    assert.equal(reply.code, "address");
    assert.match(
      String(reply.message),
      /refused: 127\.0\.0\.1 -> 127\.0\.0\.1 is loopback \(127\.0\.0\.0\/8\)/,
    );
    assert.deepEqual(s.seen, [], "the server was never contacted");
    assert.equal(f.gate.calls.length, 0);
  } finally {
    await f.close();
    await s.close();
  }
});

Deno.test("http-request to 169.254.169.254 (cloud metadata) is refused, even when granted", async () => {
  const f = await startFixture("host_call", { grants: { net: ["169.254.169.254"] } });
  try {
    const reply = await f.json("http_request", { url: "http://169.254.169.254/latest/meta-data/" });
    assert.equal(reply.code, "address");
    assert.match(String(reply.message), /169\.254\.169\.254 is link-local, cloud metadata/);
    assert.deepEqual(f.denials.map((d) => d.stage), ["address"]);
  } finally {
    await f.close();
  }
});

Deno.test("a host name that resolves to a private or metadata address is refused after resolution", async () => {
  const f = await startFixture("host_call", {
    grants: { net: ["metadata.test", "mixed.test"] },
    resolveHost: (host) =>
      Promise.resolve(
        host === "metadata.test" ? ["169.254.169.254"] : ["93.184.215.14", "10.0.0.7"],
      ),
  });
  try {
    const meta = await f.json("http_request", { url: "https://metadata.test/" });
    assert.match(String(meta.message), /metadata\.test -> 169\.254\.169\.254 is link-local/);
    const mixed = await f.json("http_request", { url: "https://mixed.test/" });
    assert.match(String(mixed.message), /mixed\.test -> 10\.0\.0\.7 is private/);
    assert.equal(f.gate.calls.length, 0);
  } finally {
    await f.close();
  }
});

Deno.test("a redirect to 169.254.169.254 is re-validated and refused at the second hop", async () => {
  const s = server();
  const f = await startFixture("host_call", {
    grants: { net: [s.grant, "169.254.169.254"] },
    addressPolicy: EXEMPT_LOOPBACK,
  });
  try {
    const reply = await f.json("http_request", { url: `${s.base}/to-metadata` });
    assert.equal(reply.code, "address");
    assert.match(
      String(reply.message),
      /"http:\/\/169\.254\.169\.254\/latest\/meta-data\/" refused: .* link-local/,
    );
    assert.deepEqual(s.seen.map((r) => r.path), ["/to-metadata"]);
    // The gate saw the first hop only; the second never got that far.
    assert.deepEqual(f.gate.calls.map((a) => a.kind === "capsule_http" && a.url), [
      `${s.base}/to-metadata`,
    ]);
  } finally {
    await f.close();
    await s.close();
  }
});

Deno.test("a redirect to another loopback address or to an ungranted host is refused", async () => {
  const s = server();
  const f = await startFixture("host_call", {
    grants: { net: [s.grant, "127.0.0.2:9"] },
    addressPolicy: EXEMPT_LOOPBACK,
  });
  try {
    const loop2 = await f.json("http_request", { url: `${s.base}/to-loopback2` });
    assert.equal(loop2.code, "address");
    assert.match(String(loop2.message), /127\.0\.0\.2 is loopback/);
    const elsewhere = await f.json("http_request", { url: `${s.base}/to-elsewhere` });
    assert.equal(elsewhere.code, "not_granted");
    assert.match(
      String(elsewhere.message),
      /"evil\.example:443" is not a host capsule "host-call" was granted/,
    );
    const loop = await f.json("http_request", { url: `${s.base}/loop` });
    assert.equal(loop.code, "limit");
    assert.match(String(loop.message), /more than 5 redirects/);
  } finally {
    await f.close();
    await s.close();
  }
});

Deno.test("an allowed request follows a granted redirect and returns status, headers and body", async () => {
  const s = server();
  const f = await startFixture("host_call", {
    grants: { net: [s.grant] },
    addressPolicy: EXEMPT_LOOPBACK,
    limits: { maxHttpResponseBytes: 50_000 },
  });
  try {
    const reply = await f.json("http_request", { url: `${s.base}/to-hello` });
    assert.equal(reply.ok, true, String(reply.message));
    assert.equal(reply.status, 200);
    assert.equal(reply.body, "hello");
    assert.equal(reply.url, `${s.base}/hello`);
    assert.equal((reply.headers as Record<string, string>)["x-test"], "1");
    assert.equal(f.gate.calls.length, 2, "one gate decision per hop");
    const big = await f.json("http_request", { url: `${s.base}/big` });
    assert.equal(big.code, "limit");
    assert.match(String(big.message), /response from ".*\/big" is over the limit of 50000 bytes/);
    assert.match(String(big.message), /response from ".*\/big" is over the limit of 50000 bytes/);
  } finally {
    await f.close();
    await s.close();
  }
});

Deno.test("a declared secret is injected by the host for its host only and never reaches the capsule", async () => {
  const s = server();
  const f = await startFixture("host_call", {
    grants: { net: [s.grant] },
    addressPolicy: EXEMPT_LOOPBACK,
    manifestExtra: `[env.TOKEN]\ntype = "secret"\nrequest = "token?"\n` +
      `inject = { host = "127.0.0.1", header = "Authorization", prefix = "Bearer " }\n`,
    secrets: { TOKEN: "s3cr3t-token-value" },
  });
  try {
    const reply = await f.json("http_request", {
      url: `${s.base}/echo-auth`,
      headers: { authorization: "capsule-chosen" },
    });
    assert.equal(reply.ok, true, String(reply.message));
    assert.deepEqual(s.seen.at(-1), {
      path: "/echo-auth",
      authorization: "Bearer s3cr3t-token-value",
    });
    assert.equal(reply.body, "you sent: Bearer [REDACTED]");
    assert.ok(!JSON.stringify(reply).includes("s3cr3t"));
  } finally {
    await f.close();
    await s.close();
  }
});

Deno.test("http-request asks the gate per hop and a denial stops it before any connection", async () => {
  const s = server();
  const gate = new RecordingGate(() => ({ allowed: false, reason: "policy denies this host" }));
  const f = await startFixture("host_call", {
    grants: { net: [s.grant] },
    addressPolicy: EXEMPT_LOOPBACK,
    gate,
  });
  try {
    const reply = await f.json("http_request", {
      url: `${s.base}/hello`,
      method: "post",
      body: "x",
    });
    assert.deepEqual(reply, {
      ok: false,
      code: "denied",
      message: `http-request: "${s.base}/hello" denied: policy denies this host`,
    });
    assert.deepEqual(gate.calls, [{
      kind: "capsule_http",
      capsule: "host-call",
      host: "127.0.0.1",
      port: s.base.length > 0 ? Number(s.grant.split(":")[1]) : 0,
      url: `${s.base}/hello`,
      method: "POST",
    }]);
    assert.deepEqual(s.seen, []);
  } finally {
    await f.close();
    await s.close();
  }
});

Deno.test("http-request refuses malformed requests with clear replies", async (t) => {
  const f = await startFixture("host_call", { grants: { net: ["example.com"] } });
  try {
    const cases: [unknown, RegExp][] = [
      [{ url: "not a url" }, /"not a url" is not an absolute URL/],
      [{ url: "ftp://example.com/" }, /is not http or https/],
      [{ url: "https://user:pw@example.com/" }, /with credentials in the URL is refused/],
      [{ url: "https://example.com/", method: "TRACE" }, /method "TRACE" is not one of/],
      [
        { url: "https://example.com/", headers: { Host: "evil" } },
        /header "Host" is set by the host/,
      ],
      [
        { url: "https://example.com/", headers: { "x-a": "b\r\nx: y" } },
        /header "x-a" is not a valid name/,
      ],
      [{ url: "https://example.com:8443/" }, /"example\.com:8443" is not a host/],
    ];
    for (const [req, expected] of cases) {
      await t.step(JSON.stringify(req), async () => {
        const reply = await f.json("http_request", req);
        assert.equal(reply.ok, false);
        assert.match(String(reply.message), expected);
      });
    }
  } finally {
    await f.close();
  }
});
