/**
 * Read a capsule's `.wasm`, check its BLAKE3 pin (on every load, cached or
 * not), give its memory the capsule's ceiling and compile it. Compiled
 * modules are cached by hash and ceiling, so a verified binary is compiled
 * once and instantiated many times.
 *
 * @module
 */

import { posix } from "node:path";
import { AstridError } from "../core/mod.ts";
import { forbiddenImports } from "./check_capsule_imports.ts";
import { limitWasmMemory, WASM_PAGE_BYTES } from "./limit_wasm_memory.ts";
import type { WasmEnginePlan } from "./plan_capsule.ts";
import { verifyComponentHash } from "./verify_component_hash.ts";

/** Largest `.wasm` file accepted. */
export const MAX_WASM_BYTES = 64 * 1024 * 1024;

/** A verified, memory-limited, compiled component. */
export interface CompiledCapsule {
  readonly capsule: string;
  /** `blake3:<hex>` of the file as read. */
  readonly hash: string;
  readonly module: WebAssembly.Module;
  /** The memory ceiling compiled into the module, in bytes. */
  readonly memoryBytes: number;
}

/** Compiled modules by hash and ceiling. */
export class CapsuleModuleCache {
  readonly #modules = new Map<string, WebAssembly.Module>();
  get(key: string): WebAssembly.Module | undefined {
    return this.#modules.get(key);
  }
  set(key: string, module: WebAssembly.Module): void {
    this.#modules.set(key, module);
  }
  get size(): number {
    return this.#modules.size;
  }
}

/** Options of {@link loadCapsuleModule}. */
export interface LoadCapsuleOptions {
  /** The installed capsule's folder; the entrypoint is relative to it. */
  readonly capsuleDir: string;
  readonly plan: WasmEnginePlan;
  /** `[capsules] production = true`: refuse a component without a hash. */
  readonly production: boolean;
  readonly memoryBytes: number;
  readonly cache?: CapsuleModuleCache;
}

/** Load and verify the component of `plan`; throws `AstridError` (`CAPSULE_HASH_MISMATCH`, `CAPSULE_LOAD_FAILED`). */
export async function loadCapsuleModule(opts: LoadCapsuleOptions): Promise<CompiledCapsule> {
  const { plan } = opts;
  const what = `capsule "${plan.capsule}" component "${plan.entrypoint}"`;
  const fail = (message: string, cause?: unknown) =>
    new AstridError("CAPSULE_LOAD_FAILED", message, { cause });
  const dir = await Deno.realPath(opts.capsuleDir);
  const path = posix.join(dir, plan.entrypoint);
  let real: string;
  try {
    real = await Deno.realPath(path);
  } catch (e) {
    throw fail(`${what}: cannot open "${path}": ${(e as Error).message}`, e);
  }
  if (!real.startsWith(`${dir}/`)) {
    throw fail(`${what}: "${path}" resolves to "${real}", outside the capsule folder "${dir}"`);
  }
  const info = await Deno.stat(real);
  if (!info.isFile || info.size > MAX_WASM_BYTES) {
    throw fail(`${what}: "${real}" is not a file of at most ${MAX_WASM_BYTES} bytes`);
  }
  const bytes = await Deno.readFile(real);
  const verdict = verifyComponentHash(bytes, plan.hash, opts.production, what);
  if (!verdict.ok) {
    throw new AstridError(
      verdict.mismatch ? "CAPSULE_HASH_MISMATCH" : "CAPSULE_LOAD_FAILED",
      verdict.reason,
    );
  }
  const pages = Math.floor(opts.memoryBytes / WASM_PAGE_BYTES);
  const key = `${verdict.actual}/${pages}`;
  const cached = opts.cache?.get(key);
  if (cached) {
    return {
      capsule: plan.capsule,
      hash: verdict.actual,
      module: cached,
      memoryBytes: opts.memoryBytes,
    };
  }
  const limited = limitWasmMemory(bytes, pages);
  if (!limited.ok) throw fail(`${what}: ${limited.reason}`);
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(limited.bytes);
  } catch (e) {
    throw fail(`${what} is not valid WebAssembly: ${(e as Error).message}`, e);
  }
  const problems = forbiddenImports(WebAssembly.Module.imports(module));
  if (problems.length > 0) {
    throw fail(`${what} imports what Astrid does not provide:\n  ${problems.join("\n  ")}`);
  }
  opts.cache?.set(key, module);
  return { capsule: plan.capsule, hash: verdict.actual, module, memoryBytes: opts.memoryBytes };
}
