import assert from "node:assert/strict";
import { utf8 } from "../../core/mod.ts";
import type { Action } from "../action.ts";
import { GENESIS_HASH } from "./audit_entry.ts";
import { decodeAuditEntry } from "./decode_audit_entry.ts";
import { encodeAuditEntry, storedAuditEntry } from "./encode_audit_entry.ts";
import { MAX_STORED_ENTRY, sealAuditEntry } from "./seal_audit_entry.ts";
import { digestString } from "./compact_action.ts";

const AT = { seq: 1, prevHash: GENESIS_HASH, id: "abc123", time: 1_767_225_600_000 };
const BASE = { sessionId: "s1", principal: "user:alice", kind: "decision" as const };

Deno.test("sealAuditEntry() hashes the canonical encoding and round-trips through decode", () => {
  const { entry, stored } = sealAuditEntry({
    ...BASE,
    action: { kind: "file_read", path: "/w/a.txt", inWorkspace: true },
    decision: "allow",
    stage: "policy",
  }, AT);
  assert.equal(entry.seq, 1);
  assert.equal(entry.prevHash, GENESIS_HASH);
  assert.deepEqual(decodeAuditEntry(stored, { checkHash: true }), entry);
  assert.deepEqual(stored, storedAuditEntry(entry.hash, encodeAuditEntry(entry)));
});

Deno.test("sealAuditEntry() replaces a large diff by its BLAKE3 and length", () => {
  const diff = "+line\n".repeat(2000);
  const { entry } = sealAuditEntry({
    ...BASE,
    action: { kind: "file_write", path: "/w/a.txt", diff },
  }, AT);
  assert.deepEqual((entry.action as { diff: unknown }).diff, digestString(diff));
});

Deno.test("sealAuditEntry() clips long error text, keeping its head and a digest of the whole", () => {
  const error = "E".repeat(10_000);
  const { entry } = sealAuditEntry({ ...BASE, kind: "outcome", outcome: { ok: false, error } }, AT);
  const got = entry.outcome!.error!;
  assert.ok(got.length <= 4096 + 100, `clipped to ${got.length}`);
  assert.ok(got.startsWith("EEEE"));
  assert.match(got, /\[clipped: 10000 bytes in all, blake3 [0-9a-f]{64}\]$/);
});

Deno.test("sealAuditEntry() keeps every entry under MAX_STORED_ENTRY however big the draft", () => {
  const many: Action[] = Array.from({ length: 400 }, (_, i) => ({
    kind: "command",
    command: `echo ${"x".repeat(900)} ${i}`,
    cwd: "/w",
  }));
  const { entry, stored } = sealAuditEntry({
    ...BASE,
    action: many,
    detail: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "y".repeat(3000)])),
  }, AT);
  assert.ok(stored.length <= MAX_STORED_ENTRY, `${stored.length} bytes`);
  assert.deepEqual(Object.keys(entry.action as object).sort(), ["blake3", "length", "omitted"]);
  assert.deepEqual(decodeAuditEntry(stored, { checkHash: true }), entry);
});

Deno.test("sealAuditEntry() refuses drafts it cannot record faithfully", async (t) => {
  const cases: [string, unknown, RegExp][] = [
    ["empty session", { ...BASE, sessionId: "" }, /sessionId must be a string of 1-256/],
    ["huge principal", { ...BASE, principal: "p".repeat(300) }, /principal must be/],
    ["unknown kind", { ...BASE, kind: "note" }, /kind "note" is not one of/],
    [
      "a Date inside MCP arguments",
      { ...BASE, action: { kind: "mcp_tool", server: "s", tool: "t", args: { at: new Date(0) } } },
      /expected plain data, got Date/,
    ],
    ["a NaN cost", { ...BASE, detail: { cost: NaN } }, /not finite/],
  ];
  for (const [name, draft, re] of cases) {
    await t.step(name, () => {
      assert.throws(() => sealAuditEntry(draft as never, AT), re);
    });
  }
  await t.step("a bad placement", () => {
    assert.throws(() => sealAuditEntry(BASE, { ...AT, seq: 0 }), /seq 0 is not a positive/);
    assert.throws(() => sealAuditEntry(BASE, { ...AT, prevHash: "00" }), /prevHash "00"/);
    assert.throws(() => sealAuditEntry(BASE, { ...AT, id: "a b" }), /id "a b"/);
  });
});

Deno.test("decodeAuditEntry() rejects malformed stored entries with a reason", async (t) => {
  const { stored } = sealAuditEntry(BASE, AT);
  const text = new TextDecoder().decode(stored);
  const cases: [string, Uint8Array, RegExp][] = [
    ["invalid UTF-8", new Uint8Array([0xff, 0xfe]), /not valid UTF-8/],
    ["no hash line", utf8(text.slice(1)), /hash line/],
    ["another version", utf8(text.replace("audit-entry/v1", "audit-entry/v9")), /is not "astrid/],
    ["seq with a leading zero", utf8(text.replace("\n1\n", "\n01\n")), /seq "01"/],
    ["body not an object", utf8(text.replace(/\{.*\}$/, "[1]")), /not a JSON object/],
    [
      "content edited (checkHash)",
      utf8(text.replace("user:alice", "user:mallo")),
      /does not match/,
    ],
  ];
  for (const [name, bytes, re] of cases) {
    await t.step(name, () => {
      assert.throws(() => decodeAuditEntry(bytes, { checkHash: name.includes("checkHash") }), re);
    });
  }
  await t.step(
    "fields named seq, prevHash or hash inside the body cannot override the header",
    () => {
      const forged = utf8(text.replace('{"id"', '{"hash":"x","prevHash":"y","seq":99,"id"'));
      const e = decodeAuditEntry(forged);
      assert.equal(e.seq, 1);
      assert.equal(e.prevHash, GENESIS_HASH);
      assert.equal(e.hash, text.slice(0, 64));
    },
  );
});
