/**
 * Capsule engine costs, side by side:
 * - one `fs-exists` host call through Astrid's host function (grant check,
 *   canonicalization, glob, gate, stat) against the same call registered
 *   directly with Extism (stat only), both in-process (target: within 3x);
 * - the same call through the fenced worker, with the gate on the main thread;
 * - a capsule instantiated from its cached compiled module (target: < 10 ms),
 *   and a cold fenced worker start for comparison.
 */

import createPlugin, { type CallContext } from "@extism/extism";
import {
  CAPSULE_LIMIT_CEILINGS,
  type CapsuleGate,
  MemoryCapsuleKv,
  WasmCapsule,
  type WasmEnginePlan,
} from "../../src/capsule/mod.ts";
import { denoCapsuleFs } from "../../src/capsule/deno_capsule_fs.ts";
import { compileGrants, type HostEnv } from "../../src/capsule/host_env.ts";
import { HOST_FUNCTIONS } from "../../src/capsule/host_functions.ts";
import { hostServices } from "../../src/capsule/host_services.ts";
import { instantiateCapsule } from "../../src/capsule/instantiate_capsule.ts";
import { limitWasmMemory } from "../../src/capsule/limit_wasm_memory.ts";
import { fixture } from "../capsule/_wat.ts";

const allow: CapsuleGate = { authorize: () => Promise.resolve({ allowed: true }) };
const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid_capsule_bench_" }));
await Deno.writeTextFile(`${root}/a.txt`, "hello");
const limited = limitWasmMemory(await fixture("host_call"), 1024);
if (!limited.ok) throw new Error(limited.reason);
const module = await WebAssembly.compile(limited.bytes);
const grants = { net: [], fsRead: ["**"], fsWrite: [], kv: false };
const env: HostEnv = {
  capsule: "bench",
  workspaceRoot: root,
  grants: compileGrants(grants, root),
  limits: CAPSULE_LIMIT_CEILINGS,
  fs: denoCapsuleFs,
  services: hostServices({
    capsule: "bench",
    gate: allow,
    kv: new MemoryCapsuleKv(),
    resolveHost: () => Promise.resolve([]),
  }),
  config: {},
  secrets: [],
  addressPolicy: { allowCidrs: [] },
  fetch,
};
const request = new TextEncoder().encode(JSON.stringify({ path: "a.txt" }));

const astrid = await instantiateCapsule(module, env);

// The same host function registered directly with Extism: stat and reply, nothing else.
const direct: Record<string, (ctx: CallContext, off: bigint) => bigint> = {};
for (const name of HOST_FUNCTIONS) direct[name] = (ctx) => ctx.store("{}");
direct["fs-exists"] = (ctx, off) => {
  const { path } = ctx.read(off)!.json() as { path: string };
  let exists = true;
  try {
    Deno.statSync(`${root}/${path}`);
  } catch {
    exists = false;
  }
  return ctx.store(JSON.stringify({ ok: true, exists }));
};
const raw = await createPlugin({ wasm: [{ module }] }, {
  useWasi: false,
  functions: { "extism:host/user": direct },
});

const plan: WasmEnginePlan = {
  kind: "wasm",
  capsule: "bench",
  entrypoint: "bin/host_call.wasm",
  hash: null,
  grants,
  secrets: [],
  config: [],
  interceptors: [],
  llmProviders: [],
};
const fenced = await WasmCapsule.start({
  plan,
  compiled: { capsule: "bench", hash: "", module, memoryBytes: 64 * 1024 * 1024 },
  workspaceRoot: root,
  gate: allow,
  kv: new MemoryCapsuleKv(),
});

Deno.bench("fs-exists registered directly with Extism (in-process)", {
  group: "host call",
  baseline: true,
}, async () => {
  await raw.call("fs_exists", request);
});

Deno.bench("fs-exists through Astrid's gate (in-process)", { group: "host call" }, async () => {
  await astrid.call("fs_exists", request);
});

Deno.bench("fs-exists through Astrid's gate (fenced worker, gate on main thread)", {
  group: "host call",
}, async () => {
  await fenced.call("fs_exists", request);
});

Deno.bench("instantiate a capsule from its cached compiled module", {
  group: "instantiate",
  baseline: true,
}, async () => {
  const instance = await instantiateCapsule(module, env);
  await instance.close();
});

Deno.bench("start a fenced capsule worker (cold) and close it", {
  group: "instantiate",
  n: 20,
  warmup: 2,
}, async () => {
  const c = await WasmCapsule.start({
    plan,
    compiled: { capsule: "bench", hash: "", module, memoryBytes: 64 * 1024 * 1024 },
    workspaceRoot: root,
    gate: allow,
    kv: new MemoryCapsuleKv(),
  });
  await c.close();
});

globalThis.addEventListener("unload", () => {
  fenced.close();
  Deno.removeSync(root, { recursive: true });
});
