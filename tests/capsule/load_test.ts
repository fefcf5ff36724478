/**
 * Loading a component: the BLAKE3 pin on every load (a binary swapped after
 * install never runs), production mode, the import allow-list, and the
 * outer fence (the worker's Deno permissions) on its own.
 */

import assert from "node:assert/strict";
import {
  CapsuleModuleCache,
  capsuleWorkerPermissions,
  loadCapsuleModule,
  type WasmEnginePlan,
} from "../../src/capsule/mod.ts";
import { AstridError } from "../../src/core/mod.ts";
import { blake3Hex } from "../../src/security/mod.ts";
import { tempDir } from "./_capsule.ts";
import { fixture } from "./_wat.ts";

function plan(hash: string | null, entrypoint = "bin/c.wasm"): WasmEnginePlan {
  return {
    kind: "wasm",
    capsule: "c",
    entrypoint,
    hash,
    grants: { net: [], fsRead: [], fsWrite: [], kv: false },
    secrets: [],
    config: [],
    interceptors: [],
    llmProviders: [],
  };
}

async function installed(bytes: Uint8Array): Promise<string> {
  const dir = await tempDir("astrid_load_");
  await Deno.mkdir(`${dir}/bin`);
  await Deno.writeFile(`${dir}/bin/c.wasm`, bytes);
  return dir;
}

const MIB64 = 64 * 1024 * 1024;

Deno.test("a binary swapped after install does not load, even from a warm cache", async () => {
  const good = await fixture("runaway");
  const evil = await fixture("memory_bomb");
  const pinned = `blake3:${blake3Hex(good)}`;
  const dir = await installed(good);
  const cache = new CapsuleModuleCache();
  try {
    const first = await loadCapsuleModule({
      capsuleDir: dir,
      plan: plan(pinned),
      production: true,
      memoryBytes: MIB64,
      cache,
    });
    assert.equal(first.hash, pinned);
    const again = await loadCapsuleModule({
      capsuleDir: dir,
      plan: plan(pinned),
      production: true,
      memoryBytes: MIB64,
      cache,
    });
    assert.equal(again.module, first.module, "a verified binary is compiled once");
    await Deno.writeFile(`${dir}/bin/c.wasm`, evil);
    await assert.rejects(
      loadCapsuleModule({
        capsuleDir: dir,
        plan: plan(pinned),
        production: false,
        memoryBytes: MIB64,
        cache,
      }),
      (e: unknown) => {
        assert.ok(e instanceof AstridError);
        assert.equal(e.code, "CAPSULE_HASH_MISMATCH");
        assert.ok(
          e.message.includes(`has hash blake3:${blake3Hex(evil)} but the manifest pins ${pinned}`),
          e.message,
        );
        assert.match(e.message, /capsule "c" component "bin\/c\.wasm"/);
        return true;
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("production mode refuses a component without a hash; development loads it", async () => {
  const bytes = await fixture("runaway");
  const dir = await installed(bytes);
  try {
    await assert.rejects(
      loadCapsuleModule({
        capsuleDir: dir,
        plan: plan(null),
        production: true,
        memoryBytes: MIB64,
      }),
      (e: unknown) =>
        e instanceof AstridError && e.code === "CAPSULE_LOAD_FAILED" &&
        e.message.includes("production mode refuses unpinned components") &&
        e.message.includes(`blake3:${blake3Hex(bytes)}`),
    );
    const dev = await loadCapsuleModule({
      capsuleDir: dir,
      plan: plan(null),
      production: false,
      memoryBytes: MIB64,
    });
    assert.equal(dev.hash, `blake3:${blake3Hex(bytes)}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a component importing WASI or Extism's own HTTP is refused at load", async () => {
  const bytes = await fixture("wasi_import");
  const dir = await installed(bytes);
  try {
    await assert.rejects(
      loadCapsuleModule({
        capsuleDir: dir,
        plan: plan(`blake3:${blake3Hex(bytes)}`),
        production: true,
        memoryBytes: MIB64,
      }),
      (e: unknown) => {
        assert.ok(e instanceof AstridError && e.code === "CAPSULE_LOAD_FAILED");
        assert.match(e.message, /"wasi_snapshot_preview1" "fd_write" is WASI/);
        assert.match(e.message, /"extism:host\/env" "http_request" is Extism's own HTTP/);
        return true;
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an entrypoint that is a symlink out of the capsule folder is refused", async () => {
  const bytes = await fixture("runaway");
  const dir = await installed(bytes);
  const elsewhere = await tempDir("astrid_elsewhere_");
  try {
    await Deno.writeFile(`${elsewhere}/x.wasm`, bytes);
    await Deno.symlink(`${elsewhere}/x.wasm`, `${dir}/bin/link.wasm`);
    await assert.rejects(
      loadCapsuleModule({
        capsuleDir: dir,
        plan: plan(`blake3:${blake3Hex(bytes)}`, "bin/link.wasm"),
        production: true,
        memoryBytes: MIB64,
      }),
      (e: unknown) => e instanceof AstridError && /outside the capsule folder/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("the outer fence: a worker with a capsule's permissions cannot reach past them", async () => {
  const ws = await tempDir("astrid_fence_");
  const outside = await tempDir("astrid_fence_out_");
  try {
    await Deno.mkdir(`${ws}/out`);
    await Deno.writeTextFile(`${ws}/in.txt`, "inside");
    await Deno.writeTextFile(`${outside}/secret.txt`, "secret");
    const permissions = capsuleWorkerPermissions(
      { net: ["127.0.0.1:9"], fsRead: ["**"], fsWrite: ["out/**"], kv: false },
      ws,
    );
    const worker = new Worker(new URL("./fence_probe_worker.ts", import.meta.url), {
      type: "module",
      deno: { permissions },
    } as WorkerOptions);
    const report = await new Promise<Record<string, string>>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
      worker.postMessage({ ws, outside });
    });
    worker.terminate();
    assert.equal(report.readInside, "ok");
    assert.equal(report.writeOut, "ok");
    for (
      const key of [
        "readOutside",
        "writeRoot",
        "writeOutside",
        "env",
        "run",
        "netOther",
        "sys",
        "ffi",
      ]
    ) {
      assert.match(
        String(report[key]),
        /NotCapable|Requires|PermissionDenied|not allowed/i,
        `${key}: ${report[key]}`,
      );
    }
  } finally {
    await Deno.remove(ws, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});
