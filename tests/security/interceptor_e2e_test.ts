import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeClock, SeededRandom } from "../../src/core/mod.ts";
import { createSigner, issueToken, keyPairFromSeed, signerOf } from "../../src/security/mod.ts";
import type { SecurityRuntime } from "../../src/runtime/security_runtime.ts";
import { listAuditEntries, verifyKvAuditLog } from "../../src/storage/mod.ts";
import { answer, ScriptedChannel, withRuntime } from "./_runtime.ts";

const ctx = (rt: SecurityRuntime, sessionId = "s1") => ({
  sessionId,
  principal: "local",
  workspaceKey: rt.workspace,
});

async function propose(rt: SecurityRuntime, tool: string, args: unknown, sessionId = "s1") {
  const c = rt.classify(tool, args);
  if (!c.ok) throw new Error(c.reason);
  return await rt.interceptor.intercept(
    { tool, actions: c.actions, argBytes: c.argBytes },
    ctx(rt, sessionId),
  );
}

Deno.test("seed flow on a real KV file: Allow Always mints a signed token and the next call is not asked", async () => {
  const ch = new ScriptedChannel(answer("allow_always"));
  await withRuntime({ channel: ch }, async (rt, { root }) => {
    const outside = join(root, "important.txt");
    const args = { path: outside, content: "x" };
    const first = await propose(rt, "write_file", args);
    assert.equal(first.kind, "allow");
    assert.equal(ch.seen.length, 1);
    assert.match(ch.seen[0]!.summary.join(), /Write file: .*important\.txt/);
    const second = await propose(rt, "write_file", args);
    assert.equal(second.kind === "allow" && second.via, "token");
    assert.equal(ch.seen.length, 1, "the token skipped the prompt");
    const tokens = await rt.tokens.store.list();
    assert.equal(tokens.length, 1);
    assert.equal(
      tokens[0]!.auditEntryId,
      first.entry.id,
      "the token links to the entry that created it",
    );
    assert.equal(tokens[0]!.auditEntryHash, first.entry.hash);
    assert.equal(
      tokens[0]!.expiresAt - tokens[0]!.issuedAt,
      3_600_000,
      "Allow Always lasts 1 hour",
    );
    // Revoked: asked again at once.
    await rt.tokens.revoke(tokens[0]!.id, { at: 1, reason: "test", by: "test" });
    await propose(rt, "write_file", args);
    assert.equal(ch.seen.length, 2);
    // A different file is not covered.
    await propose(rt, "write_file", { path: join(root, "other.txt"), content: "x" });
    assert.equal(ch.seen.length, 3);
    const v = await verifyKvAuditLog(rt.kv, { trusted: rt.keyring });
    assert.equal(v.intact, true);
  });
});

Deno.test("a policy block holds even against a genuine token, and a forged token covers nothing", async () => {
  const ch = new ScriptedChannel(answer("deny"));
  await withRuntime({ channel: ch }, async (rt, { root }) => {
    const grant = {
      permissions: ["read" as const],
      scope: "persistent" as const,
      principal: "local",
      auditEntryId: "e",
      auditEntryHash: "h",
    };
    const deps = {
      clock: new FakeClock(Date.now()),
      random: new SeededRandom(5),
      ttlMs: 3_600_000,
    };
    await rt.tokens.store.put(
      issueToken({ ...grant, resource: "file:///etc/**" }, {
        ...deps,
        signer: signerOf(rt.keyring),
      }),
    );
    const attacker = keyPairFromSeed(new Uint8Array(32).fill(66));
    const forged = {
      keyId: rt.keyring.active.keyId,
      sign: createSigner(attacker.seed),
    };
    await rt.tokens.store.put(
      issueToken({ ...grant, resource: `file://${root}/**` }, { ...deps, signer: forged }),
    );
    const outside = await propose(rt, "read_file", { path: join(root, "secret.txt") });
    assert.equal(
      outside.kind === "deny" && outside.stage,
      "approval",
      "the forged token did not skip the human",
    );
    assert.equal(ch.seen.length, 1);
    const d = await propose(rt, "read_file", { path: "/etc/passwd" });
    assert.equal(d.kind === "deny" && d.stage, "policy");
    assert.equal(ch.seen.length, 1, "the policy block never reached the human");
    const d2 = await propose(rt, "bash", { command: "env FOO=1 sudo id" });
    assert.equal(d2.kind === "deny" && d2.stage, "policy");
  });
});

Deno.test("a token expires after its lifetime and the human is asked again", async () => {
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const ch = new ScriptedChannel(answer("allow_always"));
  await withRuntime({ channel: ch, clock }, async (rt, { root }) => {
    const args = { path: join(root, "x.txt"), content: "x" };
    await propose(rt, "write_file", args);
    clock.advance(3_600_000 - 60_000);
    assert.equal((await propose(rt, "write_file", args)).kind, "allow");
    assert.equal(ch.seen.length, 1);
    clock.advance(120_000);
    await propose(rt, "write_file", args);
    assert.equal(ch.seen.length, 2, "expired token: asked again");
  });
});

Deno.test("each call writes exactly one decision entry, with the authorization proof", async () => {
  const ch = new ScriptedChannel(answer("allow_once"));
  await withRuntime({ channel: ch }, async (rt, { root }) => {
    await propose(rt, "write_file", { path: join(root, "a.txt"), content: "x" });
    await propose(rt, "read_file", { path: "/etc/shadow" });
    const decisions = [];
    for await (const e of listAuditEntries(rt.kv, {})) if (e.kind === "decision") decisions.push(e);
    assert.equal(decisions.length, 2);
    assert.equal(decisions[0]!.proof?.approval?.decision, "allow_once");
    assert.equal(decisions[1]!.decision, "deny");
    assert.match(decisions[1]!.proof?.rule ?? "", /etc/);
  });
});

Deno.test("a broken audit chain refuses risky actions when the runtime opens", async () => {
  await withRuntime(
    { channel: new ScriptedChannel(answer("allow_once")) },
    async (rt, { home, workspace, root }) => {
      await propose(rt, "write_file", { path: join(root, "a.txt"), content: "x" });
      // Tamper: drop the only entry but leave the signed head.
      for await (const e of rt.kv.list({ prefix: ["audit", "e"] })) await rt.kv.delete(e.key);
      const { openSecurityRuntime } = await import("../../src/runtime/security_runtime.ts");
      const rt2 = await openSecurityRuntime({
        home,
        workspace,
        env: { ASTRID_SYSTEM_CONFIG: join(root, "none.toml") },
      });
      try {
        assert.equal(rt2.auditIntact, false);
        const c = rt2.classify("read_file", { path: join(workspace, "x") });
        assert.ok(c.ok);
        const d = await rt2.interceptor.intercept(
          { tool: "read_file", actions: c.ok ? c.actions : [], argBytes: 1 },
          ctx(rt2),
        );
        assert.equal(d.kind === "deny" && d.rule, "audit:chain_broken");
      } finally {
        await rt2.close();
      }
    },
  );
});

Deno.test("a failing policy example refuses to start, naming the example", async () => {
  const config = `
[[policy.examples]]
tool = "read_file"
args = { path = "/etc/hosts" }
expect = "allow"
`;
  await assert.rejects(
    withRuntime({ config }, () => Promise.resolve()),
    /policy\.examples\[0\].*read_file.*expected "allow"/s,
  );
});
