import assert from "node:assert/strict";
import { FakeFsProbe } from "../security/mod.ts";
import type { CapsuleFs } from "./capsule_fs.ts";
import { RecordingGate } from "./capsule_gate.ts";
import { MemoryCapsuleKv } from "./capsule_kv.ts";
import { CAPSULE_LIMIT_CEILINGS } from "./capsule_limits.ts";
import { type Confined, runFileFunction } from "./file_host_functions.ts";
import { compileGrants, type HostEnv } from "./host_env.ts";
import { hostServices } from "./host_services.ts";
import type { WasmGrants } from "./plan_capsule.ts";

const ROOT = "/ws";

/** A file system that records what was done to it. */
function recordingFs(): CapsuleFs & { ops: string[] } {
  const probe = new FakeFsProbe({ paths: ["/ws", "/ws/out", "/etc", "/etc/passwd"] });
  const ops: string[] = [];
  return {
    ops,
    realPath: (p) => probe.realPath(p),
    readFile: (p) => (ops.push(`read ${p}`), Promise.resolve(new TextEncoder().encode("data"))),
    writeFile: (p) => (ops.push(`write ${p}`), Promise.resolve()),
    stat: (p) => (ops.push(`stat ${p}`), Promise.resolve(null)),
    readDir: (p) => (ops.push(`readdir ${p}`), Promise.resolve([])),
    mkdir: (p) => (ops.push(`mkdir ${p}`), Promise.resolve()),
    remove: (p) => (ops.push(`remove ${p}`), Promise.resolve()),
  };
}

function env(grants: Partial<WasmGrants>, gate: RecordingGate, fs: CapsuleFs): HostEnv {
  const g = { net: [], fsRead: [], fsWrite: [], kv: false, ...grants };
  return {
    capsule: "cap",
    workspaceRoot: ROOT,
    grants: compileGrants(g, ROOT),
    limits: CAPSULE_LIMIT_CEILINGS,
    fs,
    services: hostServices({
      capsule: "cap",
      gate,
      kv: new MemoryCapsuleKv(),
      resolveHost: () => Promise.resolve([]),
    }),
    config: {},
    secrets: [],
    addressPolicy: { allowCidrs: [] },
    fetch: () => Promise.reject(new Error("no network")),
  };
}

const req = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const ESCAPE = { path: "../../etc/passwd", data: "root::0:0::/:/bin/sh" };

Deno.test('write-file("../../etc/passwd") is refused by confinement before the gate', async () => {
  const gate = new RecordingGate();
  const fs = recordingFs();
  const reply = await runFileFunction(
    env({ fsWrite: ["**"] }, gate, fs),
    "write-file",
    req(ESCAPE),
  );
  assert.equal(reply.ok, false);
  assert.ok(!reply.ok && reply.code === "confinement");
  assert.match(
    !reply.ok ? reply.message : "",
    /write-file: path "\.\.\/\.\.\/etc\/passwd" resolves to "\/etc\/passwd", outside the workspace "\/ws"/,
  );
  assert.equal(gate.calls.length, 0);
  assert.deepEqual(fs.ops, []);
});

Deno.test("with confinement bypassed, the gate still sees and refuses the escape", async () => {
  // The second wall on its own: a broken confinement that lets everything through.
  const bypass = (_e: HostEnv, _fn: string, _input: string): Confined => ({
    ok: true,
    path: "/etc/passwd",
  });
  const gate = new RecordingGate((a) =>
    a.kind === "capsule_file" && !a.path.startsWith("/ws/")
      ? { allowed: false, reason: "outside the workspace" }
      : { allowed: true }
  );
  const fs = recordingFs();
  const reply = await runFileFunction(
    env({ fsWrite: ["/**"] }, gate, fs),
    "write-file",
    req(ESCAPE),
    bypass,
  );
  assert.deepEqual(reply, {
    ok: false,
    code: "denied",
    message: 'write-file: "/etc/passwd" denied: outside the workspace',
  });
  assert.deepEqual(gate.calls, [{
    kind: "capsule_file",
    capsule: "cap",
    path: "/etc/passwd",
    op: "write",
  }]);
  assert.deepEqual(fs.ops, [], "nothing was written");
});

Deno.test("an allowed call acts on the canonical path, after the gate", async () => {
  const gate = new RecordingGate();
  const fs = recordingFs();
  const reply = await runFileFunction(
    env({ fsWrite: ["out/**"] }, gate, fs),
    "write-file",
    req({ path: "./out/../out/x.txt", data: "hi" }),
  );
  assert.deepEqual(reply, { ok: true, bytes: 2 });
  assert.deepEqual(gate.calls.map((a) => a.kind === "capsule_file" && a.path), ["/ws/out/x.txt"]);
  assert.deepEqual(fs.ops, ["write /ws/out/x.txt"]);
});

Deno.test("each file function needs its own kind of grant and a matching glob", async (t) => {
  const cases: [string, Partial<WasmGrants>, string, unknown, RegExp][] = [
    [
      "read without fs_read",
      { fsWrite: ["**"] },
      "read-file",
      { path: "a" },
      /was not granted fs_read, so it cannot read "a"/,
    ],
    [
      "write without fs_write",
      { fsRead: ["**"] },
      "write-file",
      { path: "a", data: "" },
      /was not granted fs_write/,
    ],
    [
      "unlink without fs_write",
      { fsRead: ["**"] },
      "fs-unlink",
      { path: "a" },
      /was not granted fs_write, so it cannot delete/,
    ],
    ["mkdir without fs_write", { fsRead: ["**"] }, "fs-mkdir", { path: "a" }, /cannot mkdir/],
    [
      "outside the glob",
      { fsRead: ["docs/**"] },
      "fs-stat",
      { path: "out/a" },
      /"\/ws\/out\/a" is not covered by the fs_read grant of capsule "cap" \(\/ws\/docs\/\*\*\)/,
    ],
    ["absolute glob outside the workspace", { fsRead: ["/etc/**"] }, "read-file", {
      path: "/etc/passwd",
    }, /outside the workspace/],
    [
      "unknown request field",
      { fsRead: ["**"] },
      "read-file",
      { path: "a", mode: 1 },
      /unknown field "mode"/,
    ],
    [
      "path of the wrong type",
      { fsRead: ["**"] },
      "read-file",
      { path: 7 },
      /field "path" must be string/,
    ],
    ["NUL byte", { fsRead: ["**"] }, "read-file", { path: "a\0b" }, /contains a NUL byte/],
  ];
  for (const [name, grants, fn, request, expected] of cases) {
    await t.step(name, async () => {
      const gate = new RecordingGate();
      const fs = recordingFs();
      const reply = await runFileFunction(env(grants, gate, fs), fn as "read-file", req(request));
      assert.equal(reply.ok, false);
      assert.match(reply.ok ? "" : reply.message, expected);
      assert.equal(gate.calls.length, 0);
      assert.deepEqual(fs.ops, []);
    });
  }
});

Deno.test("a request that is not JSON is an invalid_request reply, not a trap", async () => {
  const reply = await runFileFunction(
    env({ fsRead: ["**"] }, new RecordingGate(), recordingFs()),
    "read-file",
    Uint8Array.of(0xff, 0xfe),
  );
  assert.equal(reply.ok, false);
  assert.ok(!reply.ok && reply.code === "invalid_request");
});
