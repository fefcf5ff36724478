/**
 * `astrid capsule install|list|info|remove` end to end (in-process CLI, temp
 * home): what the human is shown and asked, what a refusal leaves behind
 * (nothing), secrets that are never echoed or listed, upgrades that ask again,
 * hostile archives and folders, removal, and tampering after install.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ECHO_SERVER } from "../mcp/_servers.ts";
import { gzip, tar } from "./_tar.ts";
import { type Home, listTree, withHome, writeTree } from "./_cli.ts";

const SECRET = "tok-5ecret-9d1f-never-shown";

function echoManifest(version = "1.0.0", extra = ""): string {
  return `
[package]
name = "echo-tools"
version = "${version}"
description = "An echo server"

[capabilities]
net = ["api.example.com"]

[env.ECHO_DESCRIPTION]
type = "string"
request = "How the echo tool describes itself"
default = "Echo the text back"

[env.ECHO_TOKEN]
type = "secret"
request = "Your echo token"

[[mcp_server]]
id = "echo"
type = "stdio"
command = "node"
args = [${JSON.stringify(ECHO_SERVER)}]
env = ["ECHO_DESCRIPTION", "ECHO_TOKEN"]

[context]
text = "Echo politely."
${extra}`;
}

function netManifest(version: string, net: string[], extra = ""): string {
  return `
[package]
name = "weather"
version = "${version}"

[capabilities]
net = ${JSON.stringify(net)}
fs_read = ["data/**"]
${extra}
`;
}

async function capsule(h: Home, name: string, files: Record<string, string>): Promise<string> {
  const dir = join(h.root, "src", name);
  await writeTree(dir, files);
  return dir;
}

/** Everything Astrid keeps about capsules: nothing here after a refusal. */
async function capsuleFiles(h: Home): Promise<string[]> {
  return [
    ...(await listTree(join(h.home, "capsules"))).map((p) => `capsules/${p}`),
    ...(await listTree(join(h.home, "capsule-state"))).map((p) => `capsule-state/${p}`),
  ];
}

type AuditRow = { summary?: string; decision?: string; detail?: Record<string, unknown> };

Deno.test("install shows what a capsule asks for, asks, takes a secret without echo, and installs", async () => {
  await withHome(async (h) => {
    const src = await capsule(h, "echo", { "Capsule.toml": echoManifest() });
    const r = await h.run(["capsule", "install", src], ["y", "", SECRET, "y"]);
    assert.equal(r.code, 0, r.err);
    // Shown: capabilities, the server's command line, the secret's request, the tools.
    assert.match(
      r.err,
      /It asks for:\n {2}net +api\.example\.com\n {2}mcp_server +echo: runs .*node .*echo_server\.mjs with ECHO_DESCRIPTION, ECHO_TOKEN/,
    );
    assert.match(r.err, /Secrets \(entered without echo.*\n {2}ECHO_TOKEN: Your echo token/);
    assert.match(
      r.err,
      /MCP server "echo" offers 5 tools \(list blake3:[0-9a-f]{64}\):\n {2}mcp:echo:echo/,
    );
    assert.match(r.questions[0]!, /Install echo-tools 1\.0\.0 with these capabilities\? \[y\/N\]/);
    assert.match(r.questions[2]!, /Your echo token \(ECHO_TOKEN, input hidden\)/);
    assert.match(r.questions[3]!, /Allow these 5 tools of server "echo"\?/);
    assert.match(r.out, /Installed echo-tools 1\.0\.0 \(audit entry #\d+\)/);

    // Files in place; the secret only in a private file.
    assert.ok((await capsuleFiles(h)).includes("capsules/echo-tools/Capsule.toml"));
    const stateDir = join(h.home, "capsule-state", "echo-tools");
    assert.equal((await Deno.stat(stateDir)).mode! & 0o777, 0o700);
    const values = join(stateDir, "values.json");
    assert.equal((await Deno.stat(values)).mode! & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(values)), {
      ECHO_DESCRIPTION: "Echo the text back",
      ECHO_TOKEN: SECRET,
    });

    // list and info: state, version, capabilities, tools, hashes; never the secret.
    const list = await h.run(["capsule", "list", "--json"]);
    const info = await h.run(["capsule", "info", "echo-tools", "--json"]);
    const text = await h.run(["capsule", "info", "echo-tools"]);
    const audit = await h.run(["audit", "list", "--json", "--limit", "0"]);
    for (const out of [r, list, info, text, audit]) {
      assert.ok(!`${out.out}${out.err}`.includes(SECRET), "the secret was printed");
    }
    const [row] = JSON.parse(list.out);
    assert.equal(row.name, "echo-tools");
    assert.equal(row.version, "1.0.0");
    assert.equal(row.state, "ok");
    assert.deepEqual(row.capabilities, {
      requested: ["net:api.example.com", "mcp_server:echo"],
      approved: ["net:api.example.com", "mcp_server:echo"],
    });
    assert.match(row.contentHash, /^blake3:[0-9a-f]{64}$/);
    assert.deepEqual(row.servers[0].tools, [
      "mcp:echo:echo",
      "mcp:echo:env",
      "mcp:echo:spawn",
      "mcp:echo:flood",
      "mcp:echo:change",
    ]);
    const i = JSON.parse(info.out);
    assert.deepEqual(i.values, ["ECHO_DESCRIPTION", "ECHO_TOKEN"]);
    assert.deepEqual(i.engines, ["mcp", "static"]);
    assert.match(text.out, /values +ECHO_DESCRIPTION, ECHO_TOKEN \(values are never shown\)/);
    const entries = JSON.parse(audit.out) as AuditRow[];
    assert.ok(
      entries.some((e) =>
        e.summary === "Install capsule echo-tools 1.0.0" && e.decision === "allow"
      ),
    );
  });
});

Deno.test("refusing installs nothing: at the capabilities, at the tool list, or with no secret", async (t) => {
  await withHome(async (h) => {
    const src = await capsule(h, "echo", { "Capsule.toml": echoManifest() });
    const cases: [string, string[], RegExp][] = [
      ["no to the capabilities", ["n"], /the capabilities were not approved/],
      ["no answer at all (no terminal)", [], /the capabilities were not approved/],
      [
        "no to the tool list",
        ["y", "", SECRET, "n"],
        /tool list of MCP server "echo" was not approved/,
      ],
      ["no secret entered", ["y", ""], /no value was entered for secret ECHO_TOKEN/],
    ];
    for (const [name, answers, reason] of cases) {
      await t.step(name, async () => {
        const r = await h.run(["capsule", "install", src], answers);
        assert.equal(r.code, 1);
        assert.match(r.err, reason);
        assert.match(r.err, /nothing was changed/);
        assert.deepEqual(await capsuleFiles(h), [], "nothing installed, no staging left");
        assert.deepEqual(await h.json(["capsule", "list"]), []);
      });
    }
    const audit = await h.json<AuditRow[]>(["audit", "list", "--limit", "0"]);
    assert.equal(audit.filter((e) => /not installed/.test(e.summary ?? "")).length, 4);
    assert.ok(audit.every((e) => e.decision === "deny"));
  });
});

Deno.test("--approve grants only the listed items; an item it did not ask for is an error", async () => {
  await withHome(async (h) => {
    const src = await capsule(h, "weather", {
      "Capsule.toml": netManifest("1.0.0", ["api.weather.example"]),
    });
    const bad = await h.run(["capsule", "install", src, "--approve", "net:evil.example"]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.err,
      /"net:evil\.example" is not requested; the capsule asks for: net:api\.weather\.example, fs_read:data\/\*\*/,
    );
    assert.deepEqual(await capsuleFiles(h), []);
    const ok = await h.json<{ capabilities: { approved: string[] }; refused: string[] }>(
      ["capsule", "install", src, "--approve", "net:api.weather.example"],
    );
    assert.deepEqual(ok.capabilities.approved, ["net:api.weather.example"]);
    assert.deepEqual(ok.refused, ["fs_read:data/**"]);
  });
});

Deno.test("an upgrade that asks for more asks again; unchanged approvals carry over", async () => {
  await withHome(async (h) => {
    const v1 = await capsule(h, "w1", { "Capsule.toml": netManifest("1.0.0", ["a.example"]) });
    const v2 = await capsule(h, "w2", {
      "Capsule.toml": netManifest("2.0.0", ["a.example", "b.example"], "kv = true"),
    });
    assert.equal((await h.run(["capsule", "install", v1, "--approve", "net:a.example"])).code, 0);

    const refused = await h.run(["capsule", "install", v2], ["n"]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /\(upgrade from 1\.0\.0\)/);
    assert.match(refused.err, /net +b\.example {2}\(new\)/);
    assert.match(refused.err, /kv +its own key-value namespace {2}\(new\)/);
    assert.doesNotMatch(refused.err, /net +a\.example {2}\(new\)/);
    assert.match(refused.questions[0]!, /Upgrade weather 1\.0\.0 -> 2\.0\.0/);
    const still = await h.json<{ version: string }>(["capsule", "info", "weather"]);
    assert.equal(still.version, "1.0.0", "a refused upgrade leaves the old version");

    // Scripted upgrade approving nothing new: only the old, unchanged item carries over.
    const carried = await h.json<
      { kind: string; version: string; capabilities: { approved: string[] } }
    >(
      ["capsule", "install", v2, "--approve", "none"],
    );
    assert.equal(carried.kind, "upgraded");
    assert.equal(carried.version, "2.0.0");
    assert.deepEqual(carried.capabilities.approved, ["net:a.example"]);

    const all = await h.run(["capsule", "install", v2], ["y"]);
    assert.equal(all.code, 0, all.err);
    const info = await h.json<{ capabilities: { approved: string[] } }>([
      "capsule",
      "info",
      "weather",
    ]);
    assert.deepEqual(info.capabilities.approved, [
      "net:a.example",
      "net:b.example",
      "fs_read:data/**",
      "kv",
    ]);
  });
});

Deno.test("hostile archives and folders are refused and nothing lands anywhere", async (t) => {
  await withHome(async (h) => {
    const manifest = { name: "Capsule.toml", data: netManifest("1.0.0", []) };
    const archives: [string, Parameters<typeof tar>[0], RegExp][] = [
      ["../ entry", [manifest, { name: "../../escaped.txt", data: "pwned" }], /climbs out/],
      [
        "absolute entry",
        [manifest, { name: `${h.root}/abs-escaped.txt`, data: "pwned" }],
        /absolute/,
      ],
      ["symlink entry", [manifest, { name: "data", type: "2", linkname: "/etc" }], /symbolic link/],
      [
        "hard link entry",
        [manifest, { name: "pw", type: "1", linkname: "/etc/passwd" }],
        /hard link/,
      ],
      ["device entry", [manifest, { name: "dev", type: "4" }], /entry type "4"/],
    ];
    for (const [name, items, reason] of archives) {
      await t.step(name, async () => {
        const file = join(h.root, `${name.replaceAll(/\W/g, "_")}.tar.gz`);
        await Deno.writeFile(file, await gzip(tar(items)));
        const r = await h.run(["capsule", "install", file, "--yes"]);
        assert.equal(r.code, 1);
        assert.match(r.err, /CAPSULE_ARCHIVE_INVALID/);
        assert.match(r.err, reason);
        assert.deepEqual(await capsuleFiles(h), []);
      });
    }
    await t.step("not gzip at all", async () => {
      const file = join(h.root, "junk.tar.gz");
      await Deno.writeTextFile(file, "this is not gzip");
      const r = await h.run(["capsule", "install", file, "--yes"]);
      assert.match(r.err, /not a valid gzip file/);
    });
    await t.step("a gzip bomb stops at the size limit", async () => {
      const mib = new Uint8Array(1024 * 1024);
      let n = 0;
      const zeros = new ReadableStream<BufferSource>({
        pull: (c) => n++ < 260 ? c.enqueue(mib) : c.close(),
      });
      const file = join(h.root, "bomb.tar.gz");
      const gz = await new Response(zeros.pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
      await Deno.writeFile(file, new Uint8Array(gz));
      const r = await h.run(["capsule", "install", file, "--yes"]);
      assert.equal(r.code, 1);
      assert.match(r.err, /unpacks to more than 268435456 bytes/);
    });
    await t.step("a symlink inside a capsule folder", async () => {
      const dir = await capsule(h, "linky", { "Capsule.toml": netManifest("1.0.0", []) });
      await Deno.symlink("/etc/passwd", join(dir, "passwd"));
      const r = await h.run(["capsule", "install", dir, "--yes"]);
      assert.equal(r.code, 1);
      assert.match(r.err, /is a symbolic link; capsules may not contain links/);
    });
    await t.step("a component that does not match its pinned hash", async () => {
      const dir = await capsule(h, "wasm", {
        "Capsule.toml": `${netManifest("1.0.0", [])}\n[component]\nentrypoint = "plugin.wasm"\n` +
          `hash = "blake3:${"0".repeat(64)}"\n`,
        "plugin.wasm": "\0asm swapped binary",
      });
      const r = await h.run(["capsule", "install", dir, "--yes"]);
      assert.equal(r.code, 1);
      assert.match(r.err, /CAPSULE_HASH_MISMATCH/);
    });
    await t.step("a manifest naming a file that escapes", async () => {
      const dir = await capsule(h, "ctx", {
        "Capsule.toml": `${netManifest("1.0.0", [])}\n[context]\nfiles = ["../../etc/passwd"]\n`,
      });
      const r = await h.run(["capsule", "install", dir, "--yes"]);
      assert.equal(r.code, 1);
      assert.match(r.err, /climbs out of the capsule folder/);
    });
    assert.deepEqual(await capsuleFiles(h), []);
    for (const escaped of ["escaped.txt", "abs-escaped.txt", "../escaped.txt"]) {
      assert.equal(await Deno.stat(join(h.root, escaped)).then(() => true, () => false), false);
    }
  });
});

Deno.test("a .tar.gz made by GNU tar (one top folder) installs", async () => {
  await withHome(async (h) => {
    await capsule(h, "weather-1.0.0", {
      "Capsule.toml": netManifest("1.0.0", ["api.weather.example"]),
      "data/readme.md": "hi",
    });
    const file = join(h.root, "weather.tar.gz");
    const made = await new Deno.Command("tar", {
      args: ["czf", file, "-C", join(h.root, "src"), "weather-1.0.0"],
    }).output();
    assert.ok(made.success, new TextDecoder().decode(made.stderr));
    const r = await h.run(["capsule", "install", file, "--yes"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(await listTree(join(h.home, "capsules")), [
      "weather",
      "weather/Capsule.toml",
      "weather/data",
      "weather/data/readme.md",
    ]);
  });
});

Deno.test("files changed after install show as modified, and remove deletes everything (audited)", async () => {
  await withHome(async (h) => {
    const src = await capsule(h, "echo", { "Capsule.toml": echoManifest() });
    assert.equal((await h.run(["capsule", "install", src, "--yes"], ["", SECRET])).code, 0);
    await Deno.writeTextFile(join(h.home, "capsules/echo-tools/extra.js"), "evil()");
    const [row] = await h.json<{ state: string }[]>(["capsule", "list"]);
    assert.equal(row!.state, "modified");
    const tools = await h.run(["servers", "tools", "echo"]);
    assert.equal(tools.code, 1);
    assert.match(tools.err, /capsule "echo-tools" is modified on disk/);

    const removed = await h.json<{ removed: string; auditSeq: number }>([
      "capsule",
      "remove",
      "echo-tools",
    ]);
    assert.equal(removed.removed, "echo-tools");
    assert.deepEqual(await capsuleFiles(h), []);
    assert.deepEqual(await h.json(["capsule", "list"]), []);
    const again = await h.run(["capsule", "remove", "echo-tools"]);
    assert.equal(again.code, 1);
    assert.match(again.err, /No capsule "echo-tools"/);
    const bad = await h.run(["capsule", "remove", "../etc"]);
    assert.equal(bad.code, 2);
    const audit = await h.json<AuditRow[]>(["audit", "list", "--limit", "0"]);
    assert.ok(audit.some((e) => e.summary === "Remove capsule echo-tools 1.0.0"));
  });
});
