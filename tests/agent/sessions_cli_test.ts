/**
 * `astrid sessions list|show|delete|cleanup` end to end: sessions written by
 * a real agent host, read and deleted through the CLI in-process; deleting
 * never deletes audit entries.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeClock } from "../../src/core/mod.ts";
import { CapturedIo, runCli } from "../../src/frontends/cli/mod.ts";
import { ScriptedLlmProvider } from "../../src/llm/mod.ts";
import { AgentHost, ApprovalBridge } from "../../src/runtime/agent/mod.ts";
import { openSecurityRuntime } from "../../src/runtime/mod.ts";
import { listAuditEntries, openStateKv } from "../../src/storage/mod.ts";
import { RecordingFrontend } from "./_agent.ts";

const DAY = 86_400_000;
const answer = (text: string) => [
  { kind: "text_delta" as const, text },
  { kind: "stop" as const, reason: "end_turn" as const },
];

async function setup() {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-sessions-cli-" }));
  const home = join(root, "home");
  const workspace = join(root, "ws");
  await Deno.mkdir(home, { mode: 0o700 });
  await Deno.mkdir(workspace);
  const env = { ASTRID_HOME: home, ASTRID_SYSTEM_CONFIG: join(root, "none.toml"), USER: "op" };
  const cli = async (...args: string[]) => {
    const io = new CapturedIo();
    const code = await runCli(args, { io, env, cwd: workspace });
    return { code, out: io.out, err: io.err };
  };
  /** Create sessions (one turn each) with the host's clock at `at`. */
  const seed = async (sessions: { principal: string; at: number; text: string }[]) => {
    const bridge = new ApprovalBridge();
    const rt = await openSecurityRuntime({ home, workspace, env, channel: bridge });
    const ids: string[] = [];
    try {
      for (const s of sessions) {
        const host = new AgentHost({
          rt,
          approvals: bridge,
          provider: new ScriptedLlmProvider([answer(`re: ${s.text}`)]),
          clock: new FakeClock(s.at),
          model: "m",
        });
        const meta = await host.createSession({ principal: s.principal, title: s.text });
        const turn = await host.startTurn({
          sessionId: meta.id,
          principal: s.principal,
          text: s.text,
          frontend: new RecordingFrontend(),
        });
        await turn.done;
        ids.push(meta.id);
      }
    } finally {
      await rt.close();
    }
    return ids;
  };
  return { root, home, cli, seed };
}

Deno.test("astrid sessions list and show read what the agent wrote, for every principal", async () => {
  const { root, cli, seed } = await setup();
  try {
    const now = Date.now();
    const [a, b] = await seed([
      { principal: "local", at: now - 2 * DAY, text: "first task" },
      { principal: "telegram:42", at: now - DAY, text: "second task" },
    ]);
    const list = await cli("sessions", "list", "--json");
    assert.equal(list.code, 0, list.err);
    const rows = JSON.parse(list.out) as { id: string; principal: string; turns: number }[];
    assert.deepEqual(rows.map((r) => [r.id, r.principal, r.turns]), [
      [b, "telegram:42", 1],
      [a, "local", 1],
    ]);
    const mine = await cli("sessions", "list", "--principal", "local", "--json");
    assert.deepEqual(JSON.parse(mine.out).map((r: { id: string }) => r.id), [a]);
    const text = await cli("sessions", "list");
    assert.match(text.out, new RegExp(`${a}.*local.*agent.*1 turn\\(s\\).*completed.*first task`));

    const show = await cli("sessions", "show", a!.slice(0, 12), "--json");
    assert.equal(show.code, 0, show.err);
    const shown = JSON.parse(show.out);
    assert.equal(shown.session.id, a);
    assert.deepEqual(shown.records.map((r: { body: { kind: string } }) => r.body.kind), [
      "user",
      "assistant",
    ]);
    const human = await cli("sessions", "show", a!);
    assert.match(human.out, /Principal: +local/);
    assert.match(human.out, /#0 t1 user: first task/);
    assert.match(human.out, /#1 t1 assistant: re: first task/);

    const missing = await cli("sessions", "show", "nope");
    assert.equal(missing.code, 1);
    assert.match(missing.err, /No session "nope" \[NOT_FOUND\]/);
    const bad = await cli("sessions", "show", "../x");
    assert.equal(bad.code, 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("astrid sessions delete removes the session and keeps every audit entry", async () => {
  const { root, home, cli, seed } = await setup();
  try {
    const [a, b] = await seed([
      { principal: "local", at: Date.now(), text: "one" },
      { principal: "local", at: Date.now(), text: "two" },
    ]);
    const before = await auditOf(home, a!);
    assert.ok(before.length > 0);
    const del = await cli("sessions", "delete", a!, "--json");
    assert.equal(del.code, 0, del.err);
    assert.deepEqual(JSON.parse(del.out), { deleted: [a] });
    const list = JSON.parse((await cli("sessions", "list", "--json")).out);
    assert.deepEqual(list.map((r: { id: string }) => r.id), [b]);
    const after = await auditOf(home, a!);
    assert.deepEqual(after.slice(0, before.length), before);
    assert.equal(after.at(-1)?.detail?.["type"], "session_deleted");
    assert.equal(after.at(-1)?.detail?.["by"], "cli:op");
    assert.equal((await cli("audit", "verify")).code, 0);
    assert.equal((await cli("sessions", "delete", a!)).code, 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("astrid sessions cleanup --older-than deletes only sessions unused for longer", async () => {
  const { root, cli, seed } = await setup();
  try {
    const now = Date.now();
    const [old, recent] = await seed([
      { principal: "local", at: now - 40 * DAY, text: "old" },
      { principal: "local", at: now - 5 * DAY, text: "recent" },
    ]);
    const dry = await cli("sessions", "cleanup", "--older-than", "30", "--dry-run", "--json");
    assert.equal(dry.code, 0, dry.err);
    assert.deepEqual(JSON.parse(dry.out).sessions, [old]);
    assert.deepEqual(JSON.parse(dry.out).deleted, []);
    assert.equal(JSON.parse((await cli("sessions", "list", "--json")).out).length, 2);
    const run = await cli("sessions", "cleanup", "--older-than", "30");
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /Deleted 1 session/);
    const left = JSON.parse((await cli("sessions", "list", "--json")).out);
    assert.deepEqual(left.map((r: { id: string }) => r.id), [recent]);
    const bad = await cli("sessions", "cleanup", "--older-than", "soon");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--older-than "soon" is not a number of days/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

async function auditOf(home: string, sessionId: string) {
  const kv = await openStateKv(home);
  try {
    const out = [];
    for await (const e of listAuditEntries(kv, { sessionId })) out.push(e);
    return out;
  } finally {
    kv.close();
  }
}
