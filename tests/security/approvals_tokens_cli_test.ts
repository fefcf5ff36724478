import assert from "node:assert/strict";
import { join } from "node:path";
import { CapturedIo, runCli } from "../../src/frontends/cli/mod.ts";
import { openSecurityRuntime } from "../../src/runtime/mod.ts";
import type { ApprovalChannel } from "../../src/security/mod.ts";
import { answer, ScriptedChannel } from "./_runtime.ts";

async function setup() {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-cli-" }));
  const home = join(root, "home");
  const workspace = join(root, "ws");
  await Deno.mkdir(home, { mode: 0o700 });
  await Deno.mkdir(workspace);
  const env = { ASTRID_HOME: home, ASTRID_SYSTEM_CONFIG: join(root, "none.toml"), USER: "alice" };
  const cli = async (...args: string[]) => {
    const io = new CapturedIo();
    const code = await runCli(args, { io, env, cwd: workspace });
    return { code, out: io.out, err: io.err };
  };
  const open = (channel?: ApprovalChannel) =>
    openSecurityRuntime({ home, workspace, env, ...(channel ? { channel } : {}) });
  return { root, home, workspace, cli, open };
}

Deno.test("astrid approvals: a queued request is listed, allowed once from the CLI, and runs once", async () => {
  const { root, cli, open } = await setup();
  try {
    const target = { path: join(root, "out.txt"), content: "x" };
    let rt = await open();
    const c = rt.classify("write_file", target);
    assert.ok(c.ok);
    const call = { tool: "write_file", actions: c.ok ? c.actions : [], argBytes: 10 };
    const ctx = { sessionId: "s1", principal: "local", workspaceKey: rt.workspace };
    const d = await rt.interceptor.intercept(call, ctx);
    assert.equal(d.kind, "defer", "nobody is attached: the request is queued, not run");
    await rt.close();

    const listed = await cli("approvals", "list", "--json");
    assert.equal(listed.code, 0, listed.err);
    const { requests } = JSON.parse(listed.out);
    assert.equal(requests.length, 1);
    assert.match(requests[0].summary[0], /Write file: .*out\.txt/);
    const id = requests[0].id as string;

    const allowed = await cli("approvals", "allow", id);
    assert.equal(allowed.code, 0, allowed.err);
    const twice = await cli("approvals", "deny", id);
    assert.equal(twice.code, 1);
    assert.match(twice.err, /already approved/);

    rt = await open();
    try {
      const again = await rt.interceptor.intercept(call, ctx);
      assert.equal(again.kind === "allow" && again.via, "deferred_approval");
      const third = await rt.interceptor.intercept(call, ctx);
      assert.equal(third.kind, "defer", "the approval was used up");
    } finally {
      await rt.close();
    }
    const verify = await cli("audit", "verify");
    assert.equal(verify.code, 0, verify.out + verify.err);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("astrid tokens: Allow Always grants are listed and a revoked one no longer covers", async () => {
  const { root, cli, open } = await setup();
  try {
    const ch = new ScriptedChannel(answer("allow_always"));
    const rt = await open(ch);
    const target = { path: join(root, "x.txt"), content: "x" };
    const c = rt.classify("write_file", target);
    assert.ok(c.ok);
    const call = { tool: "write_file", actions: c.ok ? c.actions : [], argBytes: 10 };
    const ctx = { sessionId: "s1", principal: "local", workspaceKey: rt.workspace };
    await rt.interceptor.intercept(call, ctx);
    await rt.close();

    const dry = await cli("policy", "check", "--json", "write_file", JSON.stringify(target));
    assert.equal(dry.code, 0, dry.err);
    assert.deepEqual(
      [JSON.parse(dry.out).decision, JSON.parse(dry.out).stage],
      ["allow", "token"],
      "policy check includes the token stage",
    );
    const listed = await cli("tokens", "list", "--json");
    assert.equal(listed.code, 0, listed.err);
    const tokens = JSON.parse(listed.out);
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0].signature, undefined, "signatures are not printed");
    const revoke = await cli("tokens", "revoke", tokens[0].id, "--reason", "test");
    assert.equal(revoke.code, 0, revoke.err);
    assert.equal(JSON.parse((await cli("tokens", "list", "--json")).out).length, 0);
    assert.equal((await cli("tokens", "revoke", "nope")).code, 1);
    const after = await cli("policy", "check", "--json", "write_file", JSON.stringify(target));
    assert.equal(
      JSON.parse(after.out).decision,
      "ask",
      "a revoked token no longer covers the dry run",
    );

    const rt2 = await open(ch);
    try {
      await rt2.interceptor.intercept(call, ctx);
      assert.equal(ch.seen.length, 2, "after revocation the human is asked again");
    } finally {
      await rt2.close();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("astrid audit verify --acknowledge lifts the refusal for exactly the break it saw", async () => {
  const { root, cli, open } = await setup();
  try {
    const rt = await open(new ScriptedChannel(answer("allow_once")));
    const c = rt.classify("write_file", { path: join(root, "a.txt"), content: "x" });
    assert.ok(c.ok);
    const call = { tool: "write_file", actions: c.ok ? c.actions : [], argBytes: 10 };
    const ctx = { sessionId: "s1", principal: "local", workspaceKey: rt.workspace };
    await rt.interceptor.intercept(call, ctx);
    await rt.interceptor.intercept(call, ctx);
    await rt.kv.delete(["audit", "e", 1]);
    await rt.close();

    const broken = await open(new ScriptedChannel(answer("allow_once")));
    assert.equal(broken.auditIntact, false);
    await broken.close();
    const plain = await cli("audit", "verify");
    assert.equal(plain.code, 1);
    const ack = await cli("audit", "verify", "--acknowledge");
    assert.equal(ack.code, 1, "verify still reports the break");
    assert.match(ack.err, /acknowledged the break/);
    const after = await open(new ScriptedChannel(answer("allow_once")));
    try {
      assert.equal(after.auditIntact, true);
      const d = await after.interceptor.intercept(call, ctx);
      assert.equal(d.kind, "allow");
    } finally {
      await after.close();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
