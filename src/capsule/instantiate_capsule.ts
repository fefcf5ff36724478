/**
 * One Extism plugin over a compiled, memory-limited capsule module, in the
 * thread that calls this (the capsule worker in production; benches and
 * tests call it directly). It enforces what can be enforced from inside:
 * imports, host-side memory, output and log size. It cannot stop a guest
 * that never yields: the time limit is the worker's termination.
 *
 * @module
 */

import createPlugin, { type ExtismPluginOptions, type Plugin } from "@extism/extism";
import { AstridError } from "../core/mod.ts";
import { forbiddenImports } from "./check_capsule_imports.ts";
import type { HostEnv } from "./host_env.ts";
import { bindHostFunctions, budgetLogger, CallBudget } from "./host_functions.ts";
import { WASM_PAGE_BYTES } from "./limit_wasm_memory.ts";

/** Extism vars a capsule may keep across calls, in bytes. */
export const MAX_VAR_BYTES = 1024 * 1024;

/** A live capsule instance. */
export interface CapsuleInstance {
  /** Call export `fn` with `input`; rejects with an `AstridError` naming the limit hit. */
  call(fn: string, input: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
  close(): Promise<void>;
}

/** Instantiate `module` with the host functions of `env`. */
export async function instantiateCapsule(
  module: WebAssembly.Module,
  env: HostEnv,
): Promise<CapsuleInstance> {
  const problems = forbiddenImports(WebAssembly.Module.imports(module));
  if (problems.length > 0) {
    throw new AstridError(
      "CAPSULE_LOAD_FAILED",
      `capsule "${env.capsule}" imports what Astrid does not provide:\n  ${problems.join("\n  ")}`,
    );
  }
  const exported = new Set(
    WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => e.name),
  );
  const budget = new CallBudget();
  let plugin: Plugin;
  try {
    plugin = await createPlugin({ wasm: [{ module }] }, {
      useWasi: false,
      runInWorker: false,
      functions: bindHostFunctions(env, budget),
      // Deno's global Console and @types/node's differ only in the Node-only `Console` constructor.
      logger: budgetLogger(env, budget) as NonNullable<ExtismPluginOptions["logger"]>,
      logLevel: "info",
      config: { ...env.config },
      allowedHosts: [],
      fetch: () => Promise.reject(new Error("Extism HTTP is disabled; use http-request")),
      memory: {
        maxPages: Math.floor(env.limits.memoryBytes / WASM_PAGE_BYTES),
        maxVarBytes: MAX_VAR_BYTES,
        maxHttpResponseBytes: 0,
      },
    });
  } catch (e) {
    throw new AstridError(
      "CAPSULE_LOAD_FAILED",
      `capsule "${env.capsule}" failed to initialise: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return {
    async call(fn: string, input: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
      if (!exported.has(fn)) {
        throw new AstridError(
          "CAPSULE_CALL_FAILED",
          `capsule "${env.capsule}" has no export "${fn}"`,
        );
      }
      budget.reset();
      let out;
      try {
        out = await plugin.call(fn, input);
      } catch (e) {
        const limit = budget.limitHit;
        throw new AstridError(
          limit ? "CAPSULE_LIMIT" : "CAPSULE_CALL_FAILED",
          `capsule "${env.capsule}" call "${fn}" failed: ${limit ?? (e as Error).message}`,
          { cause: e },
        );
      }
      const bytes = out ? out.bytes() : new Uint8Array();
      if (bytes.length > env.limits.maxOutputBytes) {
        throw new AstridError(
          "CAPSULE_LIMIT",
          `capsule "${env.capsule}" call "${fn}" returned ${bytes.length} bytes; the output limit is ${env.limits.maxOutputBytes}`,
        );
      }
      return bytes.slice();
    },
    close: () => plugin.close(),
  };
}
