/**
 * The capsule archive reader against hostile tar files: every way an entry
 * could land outside its folder (or smuggle a link or device in) is refused
 * with a reason; real-world long-name extensions still work.
 */

import assert from "node:assert/strict";
import { readTarArchive } from "../../src/capsule/mod.ts";
import { paxRecord, tar } from "./_tar.ts";

const manifest = { name: "Capsule.toml", data: "[package]\n" };

Deno.test("readTarArchive() refuses hostile archives with a reason", async (t) => {
  const table: [string, Parameters<typeof tar>[0], RegExp][] = [
    ["a ../ entry", [manifest, { name: "../escaped.txt", data: "x" }], /climbs out with "\.\."/],
    ["a ../ deeper in the name", [{ name: "a/../../b", data: "x" }], /climbs out/],
    ["an absolute path", [{ name: "/etc/cron.d/evil", data: "x" }], /absolute path/],
    [
      "a symbolic link",
      [manifest, { name: "link", type: "2", linkname: "/etc/passwd" }],
      /symbolic link/,
    ],
    ["a hard link", [manifest, { name: "hard", type: "1", linkname: "/etc/shadow" }], /hard link/],
    ["a character device", [{ name: "tty", type: "3" }], /entry type "3"/],
    ["a FIFO", [{ name: "pipe", type: "6" }], /entry type "6"/],
    ["a ustar prefix that climbs", [{ name: "x.txt", prefix: "../..", data: "x" }], /climbs out/],
    ["a GNU long name that climbs", [
      { name: "././@LongLink", type: "L", data: "../../long-escape\0" },
      { name: "innocent", data: "x" },
    ], /climbs out/],
    ["a pax path that is absolute", [
      { name: "PaxHeader", type: "x", data: paxRecord("path", "/root/.ssh/authorized_keys") },
      { name: "innocent", data: "x" },
    ], /absolute path/],
    ["a pax linkpath", [
      { name: "PaxHeader", type: "x", data: paxRecord("linkpath", "/etc/passwd") },
      { name: "innocent", data: "x" },
    ], /link/],
    ["a backslash name", [{ name: "..\\..\\evil", data: "x" }], /backslash/],
    ["a control character in a name", [{ name: "a\x1b[2Jb", data: "x" }], /control characters/],
    ["the same file twice (overwrite)", [manifest, { ...manifest, data: "evil" }], /appears twice/],
    [
      "a file where a folder is needed",
      [{ name: "a", data: "x" }, { name: "a/b", data: "y" }],
      /which is a file/,
    ],
    ["a corrupt checksum", [{ ...manifest, badChecksum: true }], /checksum mismatch/],
  ];
  for (const [name, items, reason] of table) {
    await t.step(name, () => {
      const r = readTarArchive(tar(items));
      assert.ok(!r.ok, `${name} was accepted`);
      assert.match(r.reason, reason);
    });
  }
  await t.step("truncated data", () => {
    const bytes = tar([{ name: "big", data: "x".repeat(2000) }]);
    const r = readTarArchive(bytes.subarray(0, 1024));
    assert.ok(!r.ok);
    assert.match(r.reason, /truncated/);
  });
  await t.step("too many entries and too many bytes", () => {
    const items = [{ name: "a", data: "12345" }, { name: "b", data: "12345" }];
    const few = readTarArchive(tar(items), { maxEntries: 1, maxBytes: 100 });
    assert.ok(!few.ok && /more than 1 entries/.test(few.reason));
    const small = readTarArchive(tar(items), { maxEntries: 10, maxBytes: 8 });
    assert.ok(!small.ok && /more than 8 bytes/.test(small.reason));
  });
});

Deno.test("readTarArchive() reads files, folders, execute bits and long names", () => {
  const long = `${"d".repeat(120)}/tool.sh`;
  const r = readTarArchive(tar([
    { name: "./", type: "5" },
    { name: "./Capsule.toml", data: "[package]\n" },
    { name: "bin/", type: "5" },
    { name: "bin/server", data: "#!/bin/sh\n", mode: 0o755 },
    { name: "PaxHeader", type: "x", data: paxRecord("path", "pax/naïve.md") },
    { name: "ignored-name", data: "pax" },
    { name: "././@LongLink", type: "L", data: `${long}\0` },
    { name: "truncated-name", data: "gnu" },
    { name: "pax_global_header", type: "g", data: paxRecord("comment", "x") },
  ]));
  assert.ok(r.ok, !r.ok ? r.reason : "");
  assert.deepEqual(
    r.entries.map((e) => e.kind === "file" ? `${e.path}${e.executable ? "*" : ""}` : `${e.path}/`),
    ["Capsule.toml", "bin/", "bin/server*", "pax/naïve.md", long],
  );
});
