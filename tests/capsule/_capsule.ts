/**
 * Test harness for the WASM engine: installs a fixture as a capsule in a temp
 * folder (with its BLAKE3 pinned), plans it with the given grants, loads it
 * and starts it in its worker, recording gate calls, logs and denials.
 *
 * @module
 */

import {
  type AddressPolicy,
  type CapsuleDenial,
  type CapsuleLimits,
  type CapsuleLogLevel,
  CapsuleModuleCache,
  loadCapsuleModule,
  MemoryCapsuleKv,
  planCapsule,
  RecordingGate,
  type ResolveHost,
  WasmCapsule,
  type WasmEnginePlan,
  type WasmGrants,
} from "../../src/capsule/mod.ts";
import { parseManifest } from "../../src/capsule/mod.ts";
import { blake3Hex } from "../../src/security/mod.ts";
import { fixture } from "./_wat.ts";

export const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
export const decode = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));

/** Options of {@link startFixture}. */
export interface FixtureOptions {
  readonly name?: string;
  readonly grants?: Partial<WasmGrants>;
  readonly limits?: Partial<Omit<CapsuleLimits, "memoryBytes">>;
  readonly memoryBytes?: number;
  readonly gate?: RecordingGate;
  readonly kv?: MemoryCapsuleKv;
  readonly resolveHost?: ResolveHost;
  readonly addressPolicy?: AddressPolicy;
  readonly secrets?: Record<string, string>;
  readonly config?: Record<string, string>;
  /** Extra manifest text (e.g. `[env.X]` tables). */
  readonly manifestExtra?: string;
  readonly workspace?: string;
  readonly cache?: CapsuleModuleCache;
}

/** A running fixture capsule and what it did. */
export interface RunningFixture {
  readonly capsule: WasmCapsule;
  readonly workspace: string;
  readonly gate: RecordingGate;
  readonly logs: { level: CapsuleLogLevel; message: string }[];
  readonly denials: CapsuleDenial[];
  readonly plan: WasmEnginePlan;
  /** Call `fn` with a JSON request and parse the JSON reply. */
  json(fn: string, request: unknown): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A temp folder (canonical path) removed by `close()` of whatever uses it. */
export async function tempDir(prefix: string): Promise<string> {
  return await Deno.realPath(await Deno.makeTempDir({ prefix }));
}

/** Install fixture `wat` as a capsule and start it. */
export async function startFixture(
  wat: string,
  opts: FixtureOptions = {},
): Promise<RunningFixture> {
  const name = opts.name ?? wat.replaceAll("_", "-");
  const dir = await tempDir("astrid_capsule_");
  const ownWorkspace = opts.workspace === undefined;
  const workspace = opts.workspace ?? await tempDir("astrid_ws_");
  const grants: WasmGrants = { net: [], fsRead: [], fsWrite: [], kv: false, ...opts.grants };
  const bytes = await fixture(wat);
  await Deno.mkdir(`${dir}/bin`);
  await Deno.writeFile(`${dir}/bin/${wat}.wasm`, bytes);
  const list = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  const manifest = parseManifest(
    `[package]\nname = "${name}"\nversion = "1.0.0"\n` +
      `[component]\nentrypoint = "bin/${wat}.wasm"\nhash = "blake3:${blake3Hex(bytes)}"\n` +
      `[capabilities]\nnet = ${list(grants.net)}\nfs_read = ${list(grants.fsRead)}\n` +
      `fs_write = ${list(grants.fsWrite)}\nkv = ${grants.kv}\n` + (opts.manifestExtra ?? ""),
    `${dir}/Capsule.toml`,
  );
  const plan = planCapsule(manifest, manifest.capabilities).engines[0];
  if (plan?.kind !== "wasm") throw new Error("fixture has no wasm engine");
  const compiled = await loadCapsuleModule({
    capsuleDir: dir,
    plan,
    production: true,
    memoryBytes: opts.memoryBytes ?? 64 * 1024 * 1024,
    ...(opts.cache ? { cache: opts.cache } : {}),
  });
  const gate = opts.gate ?? new RecordingGate();
  const logs: RunningFixture["logs"] = [];
  const denials: CapsuleDenial[] = [];
  let capsule: WasmCapsule;
  try {
    capsule = await WasmCapsule.start({
      plan,
      compiled,
      workspaceRoot: workspace,
      gate,
      kv: opts.kv ?? new MemoryCapsuleKv(),
      limits: { callTimeoutMs: 2000, ...opts.limits },
      resolveHost: opts.resolveHost ?? (() => Promise.reject(new Error("no DNS in tests"))),
      ...(opts.addressPolicy ? { addressPolicy: opts.addressPolicy } : {}),
      ...(opts.secrets ? { secrets: opts.secrets } : {}),
      ...(opts.config ? { config: opts.config } : {}),
      onLog: (_c, level, message) => logs.push({ level, message }),
      onDenial: (d) => denials.push(d),
    });
  } catch (e) {
    await Deno.remove(dir, { recursive: true });
    if (ownWorkspace) await Deno.remove(workspace, { recursive: true });
    throw e;
  }
  return {
    capsule,
    workspace,
    gate,
    logs,
    denials,
    plan,
    json: async (fn, request) => decode(await capsule.call(fn, encode(request))),
    close: async () => {
      await capsule.close();
      await Deno.remove(dir, { recursive: true });
      if (ownWorkspace) await Deno.remove(workspace, { recursive: true });
    },
  };
}
