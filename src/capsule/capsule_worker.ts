/**
 * Entry point of a capsule worker: a Deno Worker started with permissions
 * narrowed to the capsule's grants (worker_permissions.ts). It instantiates
 * the capsule from the compiled module it is sent, runs calls one at a time,
 * and asks the main thread for every host service. A call that traps drops
 * the instance; the next call gets a fresh one from the same module.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { AstridError } from "../core/mod.ts";
import { denoCapsuleFs } from "./deno_capsule_fs.ts";
import { compileGrants, type HostEnv, type HostServices } from "./host_env.ts";
import { type CapsuleInstance, instantiateCapsule } from "./instantiate_capsule.ts";
import type { FromWorker, ServiceRequest, ToWorker, WorkerInit } from "./worker_protocol.ts";

let init: WorkerInit | null = null;
let instance: CapsuleInstance | null = null;
let nextId = 0;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function ask<T>(request: ServiceRequest): Promise<T> {
  const id = ++nextId;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    post({ type: "request", id, request });
  });
}

const services: HostServices = {
  authorize: (action) => ask({ method: "authorize", action }),
  kvGet: (key) => ask({ method: "kvGet", key }),
  kvSet: (key, value) => ask({ method: "kvSet", key, value }),
  resolveHost: (host) => ask({ method: "resolveHost", host }),
  log: (level, message) => post({ type: "log", level, message }),
  denied: (denial) => post({ type: "denied", denial }),
};

function envOf(m: WorkerInit): HostEnv {
  return {
    capsule: m.capsule,
    workspaceRoot: m.workspaceRoot,
    grants: compileGrants(m.grants, m.workspaceRoot),
    limits: m.limits,
    fs: denoCapsuleFs,
    services,
    config: m.config,
    secrets: m.secrets,
    addressPolicy: m.addressPolicy,
    fetch: globalThis.fetch,
  };
}

function codeOf(e: unknown): string {
  return e instanceof AstridError ? e.code : "CAPSULE_CALL_FAILED";
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  switch (m.type) {
    case "init":
      init = m;
      try {
        instance = await instantiateCapsule(m.module, envOf(m));
        post({ type: "ready" });
      } catch (e) {
        post({ type: "init_failed", code: codeOf(e), message: (e as Error).message });
      }
      return;
    case "reply": {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(m.message));
      return;
    }
    case "call": {
      try {
        if (!init) {
          throw new AstridError("CAPSULE_CALL_FAILED", "capsule worker was not initialised");
        }
        instance ??= await instantiateCapsule(init.module, envOf(init));
        const output = await instance.call(m.fn, m.input);
        post({ type: "result", id: m.id, ok: true, output }, [output.buffer]);
      } catch (e) {
        // A trap may leave the guest's memory half-written: start the next call afresh.
        const dropped = instance;
        instance = null;
        await dropped?.close().catch(() => {});
        post({
          type: "result",
          id: m.id,
          ok: false,
          code: codeOf(e),
          message: (e as Error).message,
        });
      }
      return;
    }
  }
};

// A Deno worker drops messages that arrive before its handler exists (the
// module graph has top-level await), so the main thread waits for this.
post({ type: "loaded" });
