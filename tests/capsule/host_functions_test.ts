/**
 * The host functions through the real engine (worker, Extism, WAT guest) on
 * real temp folders: what a capsule may do, and the escapes it may not.
 */

import assert from "node:assert/strict";
import { MemoryCapsuleKv, RecordingGate } from "../../src/capsule/mod.ts";
import { startFixture, tempDir } from "./_capsule.ts";

Deno.test("read-file inside a granted glob goes through the gate with the canonical path", async () => {
  const f = await startFixture("host_call", { grants: { fsRead: ["docs/**"] } });
  try {
    await Deno.mkdir(`${f.workspace}/docs`);
    await Deno.writeTextFile(`${f.workspace}/docs/a.md`, "# hello");
    assert.deepEqual(await f.json("read_file", { path: "docs/./a.md" }), {
      ok: true,
      data: "# hello",
      encoding: "utf8",
    });
    assert.deepEqual(f.gate.calls, [{
      kind: "capsule_file",
      capsule: "host-call",
      path: `${f.workspace}/docs/a.md`,
      op: "read",
    }]);
  } finally {
    await f.close();
  }
});

Deno.test("read-file of ../../etc/passwd is refused by confinement; the gate never sees it", async () => {
  const f = await startFixture("host_call", { grants: { fsRead: ["**"] } });
  try {
    const reply = await f.json("read_file", { path: "../../etc/passwd" });
    assert.equal(reply.ok, false);
    assert.equal(reply.code, "confinement");
    assert.match(
      String(reply.message),
      /read-file: path "\.\.\/\.\.\/etc\/passwd" cannot be confined to the workspace|outside the workspace/,
    );
    assert.equal(f.gate.calls.length, 0);
    assert.deepEqual(f.denials.map((d) => d.stage), ["confinement"]);
  } finally {
    await f.close();
  }
});

Deno.test("a symlink inside the workspace that points out of it is refused", async () => {
  const outside = await tempDir("astrid_outside_");
  const f = await startFixture("host_call", { grants: { fsRead: ["**"], fsWrite: ["**"] } });
  try {
    await Deno.writeTextFile(`${outside}/secret.txt`, "top secret");
    await Deno.symlink(outside, `${f.workspace}/link`);
    for (
      const [fn, req] of [
        ["read_file", { path: "link/secret.txt" }],
        ["write_file", { path: "link/new.txt", data: "x" }],
        ["fs_readdir", { path: "link" }],
        ["fs_unlink", { path: "link/secret.txt" }],
      ] as const
    ) {
      const reply = await f.json(fn, req);
      assert.equal(reply.ok, false, fn);
      assert.equal(reply.code, "confinement", `${fn}: ${reply.message}`);
      assert.match(
        String(reply.message),
        new RegExp(`resolves to "${outside}.*outside the workspace`),
      );
    }
    assert.equal(await Deno.readTextFile(`${outside}/secret.txt`), "top secret");
    await assert.rejects(Deno.stat(`${outside}/new.txt`), Deno.errors.NotFound);
    assert.equal(f.gate.calls.length, 0);
  } finally {
    await f.close();
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("the file functions work inside their grants", async () => {
  const f = await startFixture("host_call", {
    grants: { fsRead: ["data/**"], fsWrite: ["data/**"] },
  });
  try {
    assert.deepEqual(await f.json("fs_mkdir", { path: "data/sub", recursive: true }), { ok: true });
    assert.deepEqual(
      await f.json("write_file", { path: "data/sub/x.bin", data: "AAEC", encoding: "base64" }),
      {
        ok: true,
        bytes: 3,
      },
    );
    assert.deepEqual(await Deno.readFile(`${f.workspace}/data/sub/x.bin`), Uint8Array.of(0, 1, 2));
    assert.deepEqual(await f.json("read_file", { path: "data/sub/x.bin" }), {
      ok: true,
      data: "\u0000\u0001\u0002",
      encoding: "utf8",
    });
    await Deno.writeFile(`${f.workspace}/data/bad.bin`, Uint8Array.of(0xff));
    assert.deepEqual(await f.json("read_file", { path: "data/bad.bin" }), {
      ok: true,
      data: "/w==",
      encoding: "base64",
    });
    assert.deepEqual(await f.json("fs_exists", { path: "data/sub/x.bin" }), {
      ok: true,
      exists: true,
    });
    const stat = await f.json("fs_stat", { path: "data/sub/x.bin" });
    assert.equal(stat.kind, "file");
    assert.equal(stat.size, 3);
    assert.deepEqual(await f.json("fs_readdir", { path: "data" }), {
      ok: true,
      entries: [{ name: "bad.bin", kind: "file" }, { name: "sub", kind: "dir" }],
    });
    assert.deepEqual(await f.json("fs_unlink", { path: "data/sub/x.bin" }), { ok: true });
    assert.deepEqual(await f.json("fs_exists", { path: "data/sub/x.bin" }), {
      ok: true,
      exists: false,
    });
    assert.deepEqual(
      f.gate.calls.map((a) => a.kind === "capsule_file" ? a.op : a.kind),
      ["mkdir", "write", "read", "read", "exists", "stat", "list", "delete", "exists"],
    );
  } finally {
    await f.close();
  }
});

Deno.test("a gate denial is a reply the guest reads, and nothing happens", async () => {
  const gate = new RecordingGate(() => ({ allowed: false, reason: "the human said no" }));
  const f = await startFixture("host_call", { grants: { fsWrite: ["**"] }, gate });
  try {
    assert.deepEqual(await f.json("write_file", { path: "x.txt", data: "x" }), {
      ok: false,
      code: "denied",
      message: `write-file: "${f.workspace}/x.txt" denied: the human said no`,
    });
    await assert.rejects(Deno.stat(`${f.workspace}/x.txt`), Deno.errors.NotFound);
    assert.deepEqual(f.denials.map((d) => d.stage), ["gate"]);
  } finally {
    await f.close();
  }
});

Deno.test("a capsule granted nothing gets a clear refusal from every gated function and kv", async () => {
  const f = await startFixture("host_call");
  try {
    const cases: [string, unknown, RegExp][] = [
      ["read_file", { path: "a" }, /read-file: capsule "host-call" was not granted fs_read/],
      [
        "write_file",
        { path: "a", data: "" },
        /write-file: capsule "host-call" was not granted fs_write/,
      ],
      ["fs_exists", { path: "a" }, /was not granted fs_read/],
      ["fs_mkdir", { path: "a" }, /was not granted fs_write/],
      ["fs_readdir", { path: "a" }, /was not granted fs_read/],
      ["fs_stat", { path: "a" }, /was not granted fs_read/],
      ["fs_unlink", { path: "a" }, /was not granted fs_write/],
      [
        "http_request",
        { url: "https://example.com/" },
        /"example\.com:443" is not a host capsule "host-call" was granted \(net: none\)/,
      ],
      ["kv_get", { key: "a" }, /kv-get: capsule "host-call" was not granted kv/],
      ["kv_set", { key: "a", value: "b" }, /kv-set: capsule "host-call" was not granted kv/],
    ];
    for (const [fn, req, expected] of cases) {
      const reply = await f.json(fn, req);
      assert.equal(reply.ok, false, fn);
      assert.equal(reply.code, "not_granted", fn);
      assert.match(String(reply.message), expected);
    }
    assert.equal(f.gate.calls.length, 0);
    // Not gated, always there.
    assert.deepEqual(await f.json("log", { message: "hello" }), { ok: true });
    assert.deepEqual(f.logs, [{ level: "info", message: "hello" }]);
    assert.deepEqual(await f.json("get_config", { key: "NOPE" }), { ok: true, value: null });
  } finally {
    await f.close();
  }
});

Deno.test("kv is one namespace per capsule: two capsules on one store never see each other's keys", async () => {
  const kv = new MemoryCapsuleKv();
  const a = await startFixture("host_call", { name: "cap-a", grants: { kv: true }, kv });
  const b = await startFixture("host_call", { name: "cap-b", grants: { kv: true }, kv });
  try {
    assert.deepEqual(await a.json("kv_set", { key: "token", value: "from a" }), { ok: true });
    assert.deepEqual(await b.json("kv_get", { key: "token" }), { ok: true, value: null });
    assert.deepEqual(await b.json("kv_set", { key: "token", value: "from b" }), { ok: true });
    assert.deepEqual(await a.json("kv_get", { key: "token" }), { ok: true, value: "from a" });
    assert.equal(await kv.get("cap-a", "token"), "from a");
    assert.equal(await kv.get("cap-b", "token"), "from b");
    assert.deepEqual(await a.json("kv_set", { key: "token", value: null }), { ok: true });
    assert.deepEqual(await a.json("kv_get", { key: "token" }), { ok: true, value: null });
    const big = await a.json("kv_set", { key: "k", value: "x".repeat(61 * 1024) });
    assert.equal(big.code, "limit");
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("get-config returns string values and refuses secrets by name", async () => {
  const f = await startFixture("host_call", {
    grants: { net: ["api.example.com"] },
    manifestExtra: `[env.ORG]\ntype = "string"\nrequest = "org?"\n` +
      `[env.TOKEN]\ntype = "secret"\nrequest = "token?"\n` +
      `inject = { host = "api.example.com", header = "Authorization", prefix = "Bearer " }\n`,
    config: { ORG: "denoland", TOKEN: "should not pass through config" },
    secrets: { TOKEN: "s3cr3t-value" },
  });
  try {
    assert.deepEqual(await f.json("get_config", { key: "ORG" }), { ok: true, value: "denoland" });
    const secret = await f.json("get_config", { key: "TOKEN" });
    assert.equal(secret.ok, false);
    assert.match(
      String(secret.message),
      /"TOKEN" is a secret; the host adds it to requests and never hands it out/,
    );
  } finally {
    await f.close();
  }
});
