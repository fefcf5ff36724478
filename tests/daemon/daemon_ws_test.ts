/**
 * The daemon on a real loopback WebSocket (in-process `runDaemon`): who gets
 * in and who does not, the audit trail of refusals, the rate limit, the
 * version handshake, two clients sharing a session's events and approvals,
 * ephemeral shutdown, and the state and token files.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ScriptedLlmProvider } from "../../src/llm/mod.ts";
import {
  DaemonClient,
  daemonPaths,
  readStateFile,
  RPC_ERRORS,
  RpcError,
} from "../../src/frontends/daemon/mod.ts";
import type { AuditEntry } from "../../src/security/mod.ts";
import { auditEntryKey, listAuditEntries, openExistingStateKv } from "../../src/storage/mod.ts";
import { FileTools } from "../agent/_agent.ts";
import {
  type Dirs,
  rawRequest,
  startDaemon,
  textReply,
  toolReply,
  upgradeHeaders,
  withDirs,
} from "./_daemon.ts";

async function auditOf(home: string): Promise<AuditEntry[]> {
  const kv = (await openExistingStateKv(home))!;
  try {
    const out: AuditEntry[] = [];
    for await (const e of listAuditEntries(kv)) out.push(e);
    return out;
  } finally {
    kv.close();
  }
}

const refusals = (entries: AuditEntry[]) =>
  entries.filter((e) => e.detail?.type === "daemon_connection_refused").map((e) =>
    e.detail!.reason
  );

Deno.test("no token, a wrong token, the token in the query string, a browser Origin or a foreign Host: all refused and audited", async () => {
  await withDirs("", async (d) => {
    const daemon = await startDaemon(d, { rateLimits: { burst: 100, refillMs: 1000 } });
    const { port } = daemon.state;
    const ok = upgradeHeaders(port, daemon.token);
    const { Authorization: _, ...noToken } = ok;
    const cases: [string, string, Record<string, string>, number, string][] = [
      ["no token", "/rpc", noToken, 401, "no_token"],
      [
        "wrong token",
        "/rpc",
        { ...ok, Authorization: `Bearer ${"A".repeat(43)}` },
        401,
        "wrong_token",
      ],
      [
        "not a bearer token",
        "/rpc",
        { ...ok, Authorization: `Basic ${daemon.token}` },
        401,
        "wrong_token",
      ],
      ["token in the query", `/rpc?token=${daemon.token}`, noToken, 400, "query_string"],
      ["token in the query and header", `/rpc?token=${daemon.token}`, ok, 400, "query_string"],
      [
        "browser Origin",
        "/rpc",
        { ...ok, Origin: `http://127.0.0.1:${port}` },
        403,
        "browser_origin",
      ],
      ["null Origin", "/rpc", { ...ok, Origin: "null" }, 403, "browser_origin"],
      ["foreign Host", "/rpc", { ...ok, Host: `evil.example:${port}` }, 403, "foreign_host"],
      ["rebinding Host", "/rpc", { ...ok, Host: "127.0.0.1.nip.io" }, 403, "foreign_host"],
      ["other port", "/rpc", { ...ok, Host: `localhost:${port + 1}` }, 403, "foreign_host"],
      ["other path", "/", ok, 404, "not_found"],
    ];
    for (const [name, target, headers, status] of cases) {
      const r = await rawRequest(port, target, headers);
      assert.equal(r.status, status, `${name}: ${r.body}`);
      assert.equal(JSON.parse(r.body).error.code, RPC_ERRORS.unauthorized, name);
      assert.ok(!r.body.includes(daemon.token), `${name}: the refusal must not echo the token`);
    }
    // The real thing gets in, with `localhost` as well.
    assert.equal((await rawRequest(port, "/rpc", ok)).status, 101);
    assert.equal(
      (await rawRequest(port, "/rpc", { ...ok, Host: `localhost:${port}` })).status,
      101,
    );
    // A WebSocket client without the header cannot connect either.
    await assert.rejects(DaemonClient.connect({ port, token: "nope" }), /Cannot connect/);
    assert.equal(await daemon.stop(), 0);
    const entries = await auditOf(d.home);
    assert.deepEqual(refusals(entries), [...cases.map((c) => c[4]), "wrong_token"]);
    const text = JSON.stringify(entries);
    assert.ok(!text.includes(daemon.token), "no token in the audit log");
    assert.ok(entries.every((e) => e.sessionId === "daemon"));
  });
});

Deno.test("repeated failures from one address are rate-limited, even with the right token, and audited once", async () => {
  await withDirs("", async (d) => {
    const daemon = await startDaemon(d, { rateLimits: { burst: 3, refillMs: 60_000 } });
    const { port } = daemon.state;
    for (let i = 0; i < 3; i++) {
      assert.equal((await rawRequest(port, "/rpc", upgradeHeaders(port, "bad"))).status, 401);
    }
    for (let i = 0; i < 3; i++) {
      const r = await rawRequest(port, "/rpc", upgradeHeaders(port, daemon.token));
      assert.equal(r.status, 429);
      assert.equal(r.headers.get("retry-after"), "60");
    }
    await daemon.stop();
    const entries = await auditOf(d.home);
    assert.equal(refusals(entries).length, 3);
    assert.equal(entries.filter((e) => e.detail?.type === "daemon_rate_limited").length, 1);
  });
});

Deno.test("a client speaking another protocol version is refused with a clear message", async () => {
  await withDirs("", async (d) => {
    const daemon = await startDaemon(d);
    try {
      const err = await DaemonClient.connect({
        port: daemon.state.port,
        token: daemon.token,
        protocol: 2,
      })
        .then(() => undefined, (e) => e);
      assert.ok(err instanceof RpcError);
      assert.equal(err.code, RPC_ERRORS.protocolMismatch);
      assert.match(err.message, /this daemon speaks Astrid protocol 1, the client asked for 2/);
      const ok = await DaemonClient.connect({ port: daemon.state.port, token: daemon.token });
      assert.equal(ok.hello.protocol, 1);
      await ok.close();
    } finally {
      await daemon.stop();
    }
  });
});

Deno.test("the state and token files are 0600, name this process and port, and go away on stop", async () => {
  await withDirs("", async (d) => {
    const daemon = await startDaemon(d);
    const paths = daemonPaths(d.home);
    for (const p of [paths.state, paths.token]) {
      assert.equal((await Deno.stat(p)).mode! & 0o777, 0o600, p);
    }
    const state = await readStateFile(d.home);
    assert.equal(state?.pid, Deno.pid);
    assert.equal(state?.port, daemon.state.port);
    assert.equal(state?.mode, "persistent");
    assert.match(daemon.token, /^[A-Za-z0-9_-]{43}$/);
    // A second daemon for the same home refuses to start.
    const second = await startDaemon(d).then(() => "started", (e: Error) => e.message);
    assert.match(second, /exited with 1 before it was ready/);
    assert.match(second, /a daemon is already running/);
    await daemon.stop();
    for (const p of [paths.state, paths.token]) {
      await assert.rejects(Deno.stat(p), Deno.errors.NotFound);
    }
  });
});

Deno.test("a stale state file (its process is gone) is replaced at start", async () => {
  await withDirs("", async (d) => {
    const stale = {
      v: 1,
      pid: 2 ** 22 + 7,
      port: 1,
      mode: "persistent",
      protocol: 1,
      version: "x",
      startedAt: 0,
      workspace: "/",
    };
    await Deno.writeTextFile(daemonPaths(d.home).state, JSON.stringify(stale));
    const daemon = await startDaemon(d);
    assert.equal((await readStateFile(d.home))?.pid, Deno.pid);
    assert.ok(daemon.logs.some((l) => l.msg === "removing a stale daemon state file"));
    await daemon.stop();
  });
});

Deno.test("two WebSocket clients on one session see the same events; a double approval answer is rejected", async () => {
  await withDirs("", async (d: Dirs) => {
    const provider = new ScriptedLlmProvider([
      toolReply("w1", "write_file", { path: "out.txt", content: "hi" }),
      textReply("written"),
    ]);
    const daemon = await startDaemon(d, { provider, tools: new FileTools() });
    const opts = { port: daemon.state.port, token: daemon.token };
    const a = await DaemonClient.connect({ ...opts, client: "a" });
    const b = await DaemonClient.connect({ ...opts, client: "b" });
    try {
      const events = { a: [] as string[], b: [] as string[] };
      a.onNotification((m, p) =>
        m === "turn.event" && events.a.push((p as { event: { kind: string } }).event.kind)
      );
      b.onNotification((m, p) =>
        m === "turn.event" && events.b.push((p as { event: { kind: string } }).event.kind)
      );
      const { session } = await a.call<{ session: { id: string } }>("session.create");
      await b.call("session.resume", { sessionId: session.id });
      type Req = { request: { id: string; summary: string[]; preview?: string } };
      const shownA = a.next<Req>("approval.requested");
      const shownB = b.next<Req>("approval.requested");
      const doneA = a.next(
        "turn.event",
        (p: { event: { kind: string } }) => p.event.kind === "turn_complete",
      );
      const doneB = b.next(
        "turn.event",
        (p: { event: { kind: string } }) => p.event.kind === "turn_complete",
      );
      await a.call("turn.send", { sessionId: session.id, text: "write hi" });
      const [ra, rb] = await Promise.all([shownA, shownB]);
      assert.equal(ra.request.id, rb.request.id);
      const answeredA = a.next<{ answeredBy: string }>("approval.answered");
      await b.call("approval.answer", { requestId: rb.request.id, decision: "allow_once" });
      const second = await a.call("approval.answer", { requestId: ra.request.id, decision: "deny" })
        .then(() => undefined, (e) => e);
      assert.ok(second instanceof RpcError);
      assert.equal(second.code, RPC_ERRORS.approvalAnswered);
      assert.match((await answeredA).answeredBy, /^b\//);
      await Promise.all([doneA, doneB]);
      assert.deepEqual(events.a, events.b);
      assert.ok(events.a.includes("tool_result"));
      assert.equal(await Deno.readTextFile(join(d.workspace, "out.txt")), "hi");
    } finally {
      await a.close();
      await b.close();
      await daemon.stop();
    }
  });
});

Deno.test("an ephemeral daemon stops once the last client has left and the grace period passed", async () => {
  await withDirs("", async (d) => {
    const daemon = await startDaemon(d, { mode: "ephemeral", graceSecs: 0 });
    const opts = { port: daemon.state.port, token: daemon.token };
    const a = await DaemonClient.connect(opts);
    const b = await DaemonClient.connect(opts);
    await a.close();
    const status = await b.call<{ clients: number; mode: string }>("daemon.status");
    assert.deepEqual([status.clients, status.mode], [1, "ephemeral"]);
    const closing = b.closed;
    await b.close();
    await closing;
    assert.equal(await daemon.exited, 0);
    await assert.rejects(Deno.stat(daemonPaths(d.home).state), Deno.errors.NotFound);
    assert.ok(daemon.logs.some((l) => l.msg === "no client left: ephemeral daemon stopping"));
  });
});

Deno.test("daemon.stop over the socket stops the daemon; clients are told first", async () => {
  await withDirs("", async (d) => {
    const daemon = await startDaemon(d);
    const a = await DaemonClient.connect({ port: daemon.state.port, token: daemon.token });
    const told = a.next<{ reason: string }>("daemon.stopping");
    assert.deepEqual(await a.call("daemon.stop"), { stopping: true });
    assert.match((await told).reason, /requested by astrid-client/);
    assert.equal((await a.closed).code, 1001);
    assert.equal(await daemon.exited, 0);
    const log = daemon.logs.map((l) => l.msg);
    assert.ok(log.includes("audit chain verified"));
    assert.ok(log.indexOf("daemon stopping") < log.indexOf("daemon stopped"));
  });
});

Deno.test("a tampered audit chain is found at start: logged, reported by daemon.status", async () => {
  await withDirs("", async (d) => {
    await (await startDaemon(d)).stop();
    const kv = (await openExistingStateKv(d.home))!;
    try {
      const entry = (await kv.get<Uint8Array>(auditEntryKey(1))).value!;
      const changed = entry.slice();
      changed[changed.length - 5]! ^= 1;
      await kv.set(auditEntryKey(1), changed);
    } finally {
      kv.close();
    }
    const daemon = await startDaemon(d);
    try {
      assert.ok(
        daemon.logs.some((l) =>
          l.level === "error" && /audit chain failed verification/.test(String(l.msg))
        ),
      );
      const client = await DaemonClient.connect({ port: daemon.state.port, token: daemon.token });
      assert.equal(
        (await client.call<{ auditIntact: boolean }>("daemon.status")).auditIntact,
        false,
      );
      await client.close();
    } finally {
      await daemon.stop();
    }
  });
});

Deno.test("every start writes a new token: one from an earlier run is refused", async () => {
  await withDirs("", async (d) => {
    const first = await startDaemon(d);
    const old = first.token;
    await first.stop();
    const second = await startDaemon(d);
    try {
      assert.notEqual(second.token, old);
      const r = await rawRequest(second.state.port, "/rpc", upgradeHeaders(second.state.port, old));
      assert.equal(r.status, 401);
    } finally {
      await second.stop();
    }
  });
});
