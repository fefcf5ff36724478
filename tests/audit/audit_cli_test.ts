import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeClock, SeededRandom, utf8 } from "../../src/core/mod.ts";
import {
  type AuditEntry,
  encodeAuditEntry,
  hashAuditEncoding,
} from "../../src/security/audit/mod.ts";
import { generateKey } from "../../src/storage/mod.ts";
import { runCli } from "../../src/frontends/cli/program.ts";
import { CapturedIo } from "../../src/frontends/cli/context.ts";
import { fillLog } from "./_helpers.ts";

async function withHome(
  entries: number,
  fn: (home: string) => Promise<void>,
): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "astrid-auditcli-" });
  try {
    if (entries > 0) {
      const { keyring } = await generateKey(home, {
        clock: new FakeClock(),
        random: new SeededRandom(3),
      });
      const kv = await Deno.openKv(join(home, "state.kv"));
      try {
        await fillLog(kv, entries, keyring, { checkpointEvery: 10 });
      } finally {
        kv.close();
      }
    }
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function audit(home: string, ...args: string[]) {
  const io = new CapturedIo();
  const code = await runCli(["audit", ...args], { io, env: { ASTRID_HOME: home }, cwd: home });
  return { code, out: io.out, err: io.err };
}

Deno.test("audit commands on a home with no state file: empty, and nothing created", async () => {
  await withHome(0, async (home) => {
    const v = await audit(home, "verify");
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /the log is empty/);
    assert.equal((await audit(home, "list", "--json")).out, "[]\n");
    assert.match((await audit(home, "stats")).out, /Audit log: 0 entries/);
    assert.equal((await audit(home, "export", "--jsonl")).out, "");
    const show = await audit(home, "show", "1");
    assert.equal(show.code, 1);
    assert.match(show.err, /no audit entry #1 \[NOT_FOUND\]/);
    // A witness that expects entries cannot be satisfied by an empty log.
    const x = await audit(home, "verify", "--expect-head", `3:${"a".repeat(64)}`);
    assert.equal(x.code, 1);
    await assert.rejects(Deno.stat(join(home, "state.kv")), Deno.errors.NotFound);
  });
});

Deno.test("audit usage errors exit 2 with a one-line reason", async (t) => {
  await withHome(0, async (home) => {
    const cases: [string[], RegExp][] = [
      [["verify", "--expect-head", "12"], /--expect-head "12" is not SEQ:HASH/],
      [["verify", "--expect-head", `0:${"a".repeat(64)}`], /is not SEQ:HASH/],
      [["list", "--kind", "banana"], /--kind "banana" is neither an entry kind/],
      [["list", "--since", "yesterday"], /--since "yesterday" is not a time/],
      [["list", "--limit", "-3"], /--limit "-3" is not a whole number/],
      [["export"], /choose an export format: --jsonl/],
      [["show", "a b"], /"a b" is neither an entry id nor a sequence number/],
      [["show"], /missing required argument/],
    ];
    for (const [args, re] of cases) {
      await t.step(args.join(" "), async () => {
        const r = await audit(home, ...args);
        assert.equal(r.code, 2, r.err);
        assert.match(r.err, re);
      });
    }
  });
});

Deno.test("audit list filters by session, decision, kind and time, newest entries last", async () => {
  await withHome(24, async (home) => {
    const list = async (...a: string[]) =>
      (JSON.parse((await audit(home, "list", "--json", ...a)).out) as AuditEntry[]).map((e) =>
        e.seq
      );
    assert.deepEqual(await list("--limit", "3"), [22, 23, 24]);
    assert.equal((await list("--limit", "0")).length, 24);
    assert.deepEqual(await list("--session", "s0", "--limit", "0"), [3, 6, 9, 12, 15, 18, 21, 24]);
    assert.deepEqual(await list("--decision", "deny", "--limit", "0"), [5, 10, 20]);
    assert.deepEqual(await list("--kind", "outcome", "--limit", "2"), [19, 23]);
    assert.deepEqual(await list("--kind", "file_write", "--session", "s1", "--limit", "2"), [
      16,
      22,
    ]);
    // FakeClock: every entry has the same time.
    assert.equal((await list("--since", "2026-01-01T00:00:00Z", "--limit", "0")).length, 24);
    assert.deepEqual(await list("--until", "2026-01-01T00:00:00Z"), []);
    const text = await audit(home, "list", "--decision", "deny", "--limit", "1");
    assert.match(
      text.out,
      /^#20 {2}2026-01-01T00:00:00.000Z {2}s2 {2}decision {2}deny policy {2}Write file: \/work\/p\/file20.txt\n$/,
    );
  });
});

Deno.test("audit show finds an entry by seq and by id", async () => {
  await withHome(5, async (home) => {
    const bySeq = JSON.parse((await audit(home, "show", "4", "--json")).out);
    assert.equal(bySeq.seq, 4);
    const byId = JSON.parse((await audit(home, "show", bySeq.id, "--json")).out);
    assert.deepEqual(byId, bySeq);
    const text = await audit(home, "show", "5");
    assert.match(text.out, /^Entry #5 \(decision\)\n {2}id: {8}5-[0-9a-f]{32}\n/);
    assert.match(text.out, /decision: {2}deny \(stage policy\)/);
    assert.match(text.out, new RegExp(`prevHash: {2}${bySeq.hash}`));
    const missing = await audit(home, "show", "ffffffffffffffffffffffffffffffff");
    assert.equal(missing.code, 1);
  });
});

Deno.test("audit stats counts by decision, kind and session and shows the last verification", async () => {
  await withHome(12, async (home) => {
    const before = JSON.parse((await audit(home, "stats", "--json")).out);
    assert.equal(before.length, 12);
    assert.deepEqual(before.byKind, { decision: 9, outcome: 3 });
    assert.deepEqual(before.byDecision, { allow: 7, deny: 2, "(none)": 3 });
    assert.deepEqual(before.bySession, { s1: 4, s2: 4, s0: 4 });
    assert.equal(before.head.seq, 12);
    assert.equal(before.lastVerify, null);
    assert.equal((await audit(home, "verify")).code, 0);
    const after = JSON.parse((await audit(home, "stats", "--json")).out);
    assert.equal(after.lastVerify.intact, true);
    assert.equal(after.lastVerify.length, 12);
    assert.match((await audit(home, "stats")).out, /last verified: {2}\S+Z, intact, 12 entries/);
  });
});

Deno.test("audit export --jsonl writes every entry, each re-hashable to its recorded hash", async () => {
  await withHome(15, async (home) => {
    const r = await audit(home, "export", "--jsonl");
    assert.equal(r.code, 0);
    const lines = r.out.trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((e) => e.seq), Array.from({ length: 15 }, (_, i) => i + 1));
    for (const e of lines) {
      // A consumer elsewhere can re-check each entry from the documented encoding.
      const { timeIso: _, ...entry } = e;
      assert.equal(hashAuditEncoding(encodeAuditEntry(entry)), e.hash);
    }
    assert.equal(lines[0].prevHash, "0".repeat(64));
    assert.equal(lines[7].prevHash, lines[6].hash);
    assert.ok(utf8(r.out).length > 0);
  });
});

Deno.test("audit verify --json reports the head to keep as a witness, and --index checks the index", async () => {
  await withHome(30, async (home) => {
    const r = await audit(home, "verify", "--json", "--index");
    assert.equal(r.code, 0, r.err);
    const v = JSON.parse(r.out);
    assert.equal(v.intact, true);
    assert.equal(v.length, 30);
    assert.equal(v.checkpoints, 3);
    const ok = await audit(home, "verify", "--expect-head", `${v.head.seq}:${v.head.hash}`);
    assert.equal(ok.code, 0, ok.out);
    const kv = await Deno.openKv(join(home, "state.kv"));
    try {
      await kv.delete(["audit", "s", "s1", 4]);
    } finally {
      kv.close();
    }
    const broken = await audit(home, "verify", "--index");
    assert.equal(broken.code, 1);
    assert.match(broken.out, /TAMPERED at entry #4: entry #4 is missing from the session index/);
    assert.equal((await audit(home, "verify")).code, 0);
  });
});
