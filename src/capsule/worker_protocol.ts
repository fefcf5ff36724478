/**
 * Messages between the main thread and a capsule worker. The worker runs the
 * guest and the host functions; everything the host runtime owns (the gate,
 * KV, DNS, logs, denial reports) is a request back to the main thread, which
 * answers it for the capsule it started, never for one the worker names.
 *
 * @module
 */

import type { Action } from "../security/mod.ts";
import type { AddressPolicy } from "./address_policy.ts";
import type { CapsuleLimits } from "./capsule_limits.ts";
import type { CapsuleDenial, CapsuleLogLevel, SecretValue } from "./host_env.ts";
import type { WasmGrants } from "./plan_capsule.ts";

/** Start the instance. */
export interface WorkerInit {
  readonly type: "init";
  readonly module: WebAssembly.Module;
  readonly capsule: string;
  readonly workspaceRoot: string;
  readonly grants: WasmGrants;
  readonly limits: CapsuleLimits;
  readonly config: Readonly<Record<string, string>>;
  readonly secrets: readonly SecretValue[];
  readonly addressPolicy: AddressPolicy;
}

/** Host services the worker asks the main thread for. */
export type ServiceRequest =
  | { readonly method: "authorize"; readonly action: Action }
  | { readonly method: "kvGet"; readonly key: string }
  | { readonly method: "kvSet"; readonly key: string; readonly value: string | null }
  | { readonly method: "resolveHost"; readonly host: string };

/** Main thread -> worker. */
export type ToWorker =
  | WorkerInit
  | { readonly type: "call"; readonly id: number; readonly fn: string; readonly input: Uint8Array }
  | { readonly type: "reply"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: "reply"; readonly id: number; readonly ok: false; readonly message: string };

/** Worker -> main thread. `loaded` comes first: messages sent before it may be lost. */
export type FromWorker =
  | { readonly type: "loaded" }
  | { readonly type: "ready" }
  | { readonly type: "init_failed"; readonly code: string; readonly message: string }
  | { readonly type: "result"; readonly id: number; readonly ok: true; readonly output: Uint8Array }
  | {
    readonly type: "result";
    readonly id: number;
    readonly ok: false;
    readonly code: string;
    readonly message: string;
  }
  | { readonly type: "request"; readonly id: number; readonly request: ServiceRequest }
  | { readonly type: "log"; readonly level: CapsuleLogLevel; readonly message: string }
  | { readonly type: "denied"; readonly denial: CapsuleDenial };
