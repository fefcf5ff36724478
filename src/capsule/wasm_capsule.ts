/**
 * A WASM capsule as the runtime holds it: a Deno Worker with permissions
 * narrowed to the capsule's grants (the outer fence), running the Extism
 * plugin and its host functions, driven from the main thread.
 *
 * Invariants:
 * - every call has a deadline (30 s by default, lower if configured); time
 *   spent waiting for the gate (a human approving) is not counted. A guest
 *   that never yields is stopped by terminating its worker, which V8 does
 *   even inside a WASM loop; the next call starts a fresh worker from the
 *   cached compiled module (state is lost, other capsules are untouched);
 * - instantiation has the same deadline (an endless start function);
 * - calls run one at a time per capsule;
 * - host services are answered for the capsule this object started, never
 *   for a capsule the worker names.
 *
 * @module
 */

import { AstridError, type AstridErrorCode } from "../core/mod.ts";
import type { AddressPolicy } from "./address_policy.ts";
import { STRICT_ADDRESS_POLICY } from "./address_policy.ts";
import type { CapsuleGate } from "./capsule_gate.ts";
import type { CapsuleKv } from "./capsule_kv.ts";
import { type CapsuleLimits, resolveCapsuleLimits } from "./capsule_limits.ts";
import type { CapsuleDenial, CapsuleLogLevel, HostServices, SecretValue } from "./host_env.ts";
import { denoResolveHost, hostServices, type ResolveHost } from "./host_services.ts";
import type { CompiledCapsule } from "./load_capsule_module.ts";
import type { WasmEnginePlan } from "./plan_capsule.ts";
import { capsuleWorkerPermissions } from "./worker_permissions.ts";
import type { FromWorker, ServiceRequest, ToWorker, WorkerInit } from "./worker_protocol.ts";

/** Options of {@link WasmCapsule.start}. */
export interface WasmCapsuleOptions {
  readonly plan: WasmEnginePlan;
  readonly compiled: CompiledCapsule;
  /** The workspace the capsule's file grants are relative to. */
  readonly workspaceRoot: string;
  readonly gate: CapsuleGate;
  readonly kv: CapsuleKv;
  /** Values of the plan's `config` names (other keys are dropped). */
  readonly config?: Readonly<Record<string, string>>;
  /** Values of the plan's secrets by `[env]` name; only bound ones are used. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Lower limits (never higher than the ceilings); `memoryBytes` is the compiled one. */
  readonly limits?: Partial<Omit<CapsuleLimits, "memoryBytes">>;
  readonly resolveHost?: ResolveHost;
  /** Only tests pass exemptions (a loopback server standing in for a public one). */
  readonly addressPolicy?: AddressPolicy;
  readonly onLog?: (capsule: string, level: CapsuleLogLevel, message: string) => void;
  readonly onDenial?: (denial: CapsuleDenial) => void;
}

interface Waiter {
  resolve(value: Uint8Array | null): void;
  reject(error: Error): void;
  deadline: Deadline;
  id: number;
}

/** A running capsule. Start with {@link WasmCapsule.start}; always {@link WasmCapsule.close}. */
export class WasmCapsule {
  readonly capsule: string;
  readonly limits: CapsuleLimits;
  readonly #init: Omit<WorkerInit, "type">;
  readonly #permissions: ReturnType<typeof capsuleWorkerPermissions>;
  readonly #services: HostServices;
  #worker: Worker | null = null;
  #waiter: Waiter | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 0;
  #starts = 0;
  #closed = false;

  private constructor(opts: WasmCapsuleOptions, root: string, limits: CapsuleLimits) {
    const { plan } = opts;
    this.capsule = plan.capsule;
    this.limits = limits;
    const config: Record<string, string> = {};
    for (const name of plan.config) {
      const v = opts.config?.[name];
      if (v !== undefined) config[name] = v;
    }
    const secrets: SecretValue[] = [];
    for (const s of plan.secrets) {
      const value = opts.secrets?.[s.name];
      if (value !== undefined && value !== "") secrets.push({ ...s, value });
    }
    this.#init = {
      module: opts.compiled.module,
      capsule: plan.capsule,
      workspaceRoot: root,
      grants: plan.grants,
      limits,
      config,
      secrets,
      addressPolicy: opts.addressPolicy ?? STRICT_ADDRESS_POLICY,
    };
    this.#permissions = capsuleWorkerPermissions(plan.grants, root);
    this.#services = hostServices({
      capsule: plan.capsule,
      gate: opts.gate,
      kv: opts.kv,
      resolveHost: opts.resolveHost ?? denoResolveHost,
      ...(opts.onLog ? { onLog: opts.onLog } : {}),
      ...(opts.onDenial ? { onDenial: opts.onDenial } : {}),
    });
  }

  /** Start the worker and instantiate the capsule; throws `AstridError` on failure or timeout. */
  static async start(opts: WasmCapsuleOptions): Promise<WasmCapsule> {
    if (opts.compiled.capsule !== opts.plan.capsule) {
      throw new TypeError(
        `compiled module is for capsule "${opts.compiled.capsule}", not "${opts.plan.capsule}"`,
      );
    }
    const resolved = resolveCapsuleLimits({
      ...opts.limits,
      memoryBytes: opts.compiled.memoryBytes,
    });
    if (!resolved.ok) throw new RangeError(resolved.reason);
    const root = await Deno.realPath(opts.workspaceRoot);
    const capsule = new WasmCapsule(opts, root, resolved.limits);
    await capsule.#spawn();
    return capsule;
  }

  /** How many workers this capsule has started (1 + restarts after a limit or crash). */
  get starts(): number {
    return this.#starts;
  }

  /** Call export `fn`. Rejects with `AstridError` (`CAPSULE_TIMEOUT`, `CAPSULE_LIMIT`, ...). */
  call(fn: string, input: Uint8Array | string = new Uint8Array()): Promise<Uint8Array> {
    const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
    const run = this.#queue.then(() => this.#call(fn, bytes));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Stop the worker. Pending and later calls fail with `CAPSULE_CLOSED`. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stop(new AstridError("CAPSULE_CLOSED", `capsule "${this.capsule}" was closed`));
    await this.#queue;
  }

  async #call(fn: string, input: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) {
      throw new AstridError("CAPSULE_CLOSED", `capsule "${this.capsule}" is closed`);
    }
    if (!this.#worker) await this.#spawn();
    const id = ++this.#nextId;
    const out = await this.#await(id, `call "${fn}"`, () => {
      this.#post({ type: "call", id, fn, input: input.slice() });
    });
    return out ?? new Uint8Array();
  }

  #spawn(): Promise<void> {
    this.#starts++;
    const worker = new Worker(new URL("./capsule_worker.ts", import.meta.url), {
      type: "module",
      name: `capsule ${this.capsule}`,
      deno: { permissions: this.#permissions },
    } as WorkerOptions);
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      if (this.#worker === worker) this.#receive(e.data);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      if (this.#worker !== worker) return;
      this.#stop(
        new AstridError(
          "CAPSULE_CALL_FAILED",
          `capsule "${this.capsule}" worker crashed: ${e.message}`,
        ),
      );
    };
    // `init` is sent when the worker says it has loaded (see #receive); loading
    // Astrid's own code is not the guest's time, so it has its own bound.
    return this.#await(0, "initialisation", () => {}, WORKER_LOAD_TIMEOUT_MS).then(() => {});
  }

  #await(
    id: number,
    what: string,
    send: () => void,
    firstMs = this.limits.callTimeoutMs,
  ): Promise<Uint8Array | null> {
    return new Promise((resolve, reject) => {
      const deadline = new Deadline(firstMs, () => {
        this.#stop(
          new AstridError(
            "CAPSULE_TIMEOUT",
            deadline.restarted || id !== 0
              ? `capsule "${this.capsule}" ${what} ran longer than ${this.limits.callTimeoutMs} ms ` +
                "and was stopped; its instance was discarded and the next call starts afresh"
              : `capsule "${this.capsule}" worker did not load within ${firstMs} ms`,
          ),
        );
      });
      this.#waiter = { id, resolve, reject, deadline };
      send();
    });
  }

  #post(message: ToWorker): void {
    this.#worker?.postMessage(message);
  }

  /** Terminate the worker and fail whatever was waiting on it. */
  #stop(error: Error): void {
    this.#worker?.terminate();
    this.#worker = null;
    const w = this.#waiter;
    this.#waiter = null;
    if (w) {
      w.deadline.clear();
      w.reject(error);
    }
  }

  #settle(id: number, result: { value: Uint8Array | null } | { error: Error }): void {
    const w = this.#waiter;
    if (!w || w.id !== id) return;
    this.#waiter = null;
    w.deadline.clear();
    if ("error" in result) w.reject(result.error);
    else w.resolve(result.value);
  }

  #receive(m: FromWorker): void {
    switch (m.type) {
      case "loaded":
        this.#waiter?.deadline.restart(this.limits.callTimeoutMs);
        return this.#post({ type: "init", ...this.#init });
      case "ready":
        return this.#settle(0, { value: null });
      case "init_failed":
        this.#worker?.terminate();
        this.#worker = null;
        return this.#settle(0, { error: new AstridError(asCode(m.code), m.message) });
      case "result":
        return this.#settle(
          m.id,
          m.ok ? { value: m.output } : { error: new AstridError(asCode(m.code), m.message) },
        );
      case "request":
        void this.#serve(m.id, m.request);
        return;
      case "log":
        return this.#services.log(m.level, String(m.message));
      case "denied":
        return this.#services.denied(m.denial);
    }
  }

  async #serve(id: number, request: ServiceRequest): Promise<void> {
    const worker = this.#worker;
    // Waiting for the gate (perhaps a human) does not count against the call's time.
    const waiting = request.method === "authorize" ? this.#waiter?.deadline : undefined;
    waiting?.pause();
    try {
      const value = await this.#dispatch(request);
      if (this.#worker === worker) this.#post({ type: "reply", id, ok: true, value });
    } catch (e) {
      if (this.#worker === worker) {
        this.#post({ type: "reply", id, ok: false, message: (e as Error).message });
      }
    } finally {
      waiting?.resume();
    }
  }

  #dispatch(r: ServiceRequest): Promise<unknown> {
    switch (r.method) {
      case "authorize":
        return this.#services.authorize(r.action);
      case "kvGet":
        return this.#services.kvGet(String(r.key));
      case "kvSet":
        return this.#services.kvSet(String(r.key), r.value === null ? null : String(r.value));
      case "resolveHost":
        return this.#services.resolveHost(String(r.host));
      default:
        return Promise.reject(new Error("unknown service request"));
    }
  }
}

/** Bound on loading the worker's own code (not the guest's time). */
const WORKER_LOAD_TIMEOUT_MS = 30_000;

const CODES: readonly AstridErrorCode[] = [
  "CAPSULE_LOAD_FAILED",
  "CAPSULE_TIMEOUT",
  "CAPSULE_LIMIT",
  "CAPSULE_CALL_FAILED",
  "CAPSULE_HASH_MISMATCH",
];

function asCode(code: string): AstridErrorCode {
  return (CODES as readonly string[]).includes(code)
    ? code as AstridErrorCode
    : "CAPSULE_CALL_FAILED";
}

/** A timer that can be paused while the host, not the guest, is working. */
class Deadline {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #remaining: number;
  #since = performance.now();
  #paused = 0;

  constructor(ms: number, private readonly onExpire: () => void) {
    this.#remaining = ms;
    this.#timer = setTimeout(onExpire, ms);
  }

  /** Whether {@link restart} was called. */
  restarted = false;

  /** Start over with `ms` (the guest's own time begins now). */
  restart(ms: number): void {
    clearTimeout(this.#timer);
    this.restarted = true;
    this.#remaining = ms;
    this.#since = performance.now();
    this.#timer = setTimeout(this.onExpire, ms);
  }

  pause(): void {
    if (this.#paused++ > 0) return;
    clearTimeout(this.#timer);
    this.#remaining -= performance.now() - this.#since;
  }

  resume(): void {
    if (--this.#paused > 0) return;
    this.#since = performance.now();
    this.#timer = setTimeout(this.onExpire, Math.max(0, this.#remaining));
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#paused = 1_000_000; // never resumes
  }
}
