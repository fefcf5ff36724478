/**
 * The twelve host functions of `extism:host/user`, bound for Extism, plus two
 * guards on Extism's own kernel imports: `alloc` is held to the capsule's
 * memory limit per call (Extism 2.0.0-rc13 keeps an over-limit block
 * allocated and only logs, so a guest could exhaust host memory), and the
 * kernel's log functions go through the same per-call log budget.
 *
 * Gated: read-file, write-file, http-request, fs-exists, fs-mkdir,
 * fs-readdir, fs-stat, fs-unlink. Not gated: kv-get, kv-set (the capsule's
 * own namespace, `kv` capability required), get-config, log.
 *
 * @module
 */

import type { CallContext } from "@extism/extism";
import { FILE_FUNCTIONS, type FileFunction, runFileFunction } from "./file_host_functions.ts";
import type { CapsuleLogLevel, HostEnv } from "./host_env.ts";
import { hostError, type HostReply, readRequest } from "./host_wire.ts";
import { runHttpRequest } from "./http_host_function.ts";
import { MAX_KV_KEY_BYTES, MAX_KV_VALUE_BYTES } from "./capsule_kv.ts";

/** Names of Astrid's host functions, in the seed's order. */
export const HOST_FUNCTIONS = [
  "read-file",
  "write-file",
  "http-request",
  "fs-exists",
  "fs-mkdir",
  "fs-readdir",
  "fs-stat",
  "fs-unlink",
  "kv-get",
  "kv-set",
  "get-config",
  "log",
] as const;

const ENCODER = new TextEncoder();

/** The namespace of Astrid's host functions. */
export const USER_NAMESPACE = "extism:host/user";

/** Resources one call has used; reset at the start of every call. */
export class CallBudget {
  allocated = 0;
  logged = 0;
  /** The first limit hit in this call, for the error message if the call fails. */
  limitHit: string | null = null;

  reset(): void {
    this.allocated = 0;
    this.logged = 0;
    this.limitHit = null;
  }
}

type HostFn = (ctx: CallContext, offset: bigint) => Promise<bigint> | bigint;

/** The `functions` option for Extism's `createPlugin`. */
export function bindHostFunctions(
  env: HostEnv,
  budget: CallBudget,
): Record<string, Record<string, HostFn | ((ctx: CallContext, n: bigint) => bigint)>> {
  const reply = (ctx: CallContext, r: HostReply): bigint => {
    const bytes = ENCODER.encode(JSON.stringify(r));
    budget.allocated += bytes.length;
    return ctx.store(bytes);
  };
  const request = (ctx: CallContext, offset: bigint): Uint8Array => {
    const block = ctx.read(offset);
    return block ? block.bytes().slice() : new Uint8Array();
  };
  const user: Record<string, HostFn> = {};
  // Extism treats a host function as async only when it is an `async function`.
  for (const name of Object.keys(FILE_FUNCTIONS) as FileFunction[]) {
    user[name] = async function (ctx: CallContext, offset: bigint): Promise<bigint> {
      return reply(ctx, await runFileFunction(env, name, request(ctx, offset)));
    };
  }
  user["http-request"] = async function (ctx: CallContext, offset: bigint): Promise<bigint> {
    return reply(ctx, await runHttpRequest(env, request(ctx, offset)));
  };
  user["kv-get"] = async function (ctx: CallContext, offset: bigint): Promise<bigint> {
    return reply(ctx, await kv(env, "kv-get", request(ctx, offset)));
  };
  user["kv-set"] = async function (ctx: CallContext, offset: bigint): Promise<bigint> {
    return reply(ctx, await kv(env, "kv-set", request(ctx, offset)));
  };
  user["get-config"] = (ctx: CallContext, offset: bigint): bigint =>
    reply(ctx, getConfig(env, request(ctx, offset)));
  user["log"] = (ctx: CallContext, offset: bigint): bigint =>
    reply(ctx, log(env, budget, request(ctx, offset)));
  return {
    [USER_NAMESPACE]: user,
    "extism:host/env": {
      alloc: (ctx: CallContext, n: bigint): bigint => {
        const size = Number(n);
        if (budget.allocated + size > env.limits.memoryBytes) {
          budget.limitHit ??=
            `host memory limit: the capsule asked Extism for ${size} bytes with ${budget.allocated} already allocated in this call; the limit is ${env.limits.memoryBytes}`;
          throw new RangeError(budget.limitHit);
        }
        budget.allocated += size;
        return ctx.alloc(n);
      },
    },
  };
}

/** A console for Extism's own log functions, held to the per-call log budget. */
export function budgetLogger(env: HostEnv, budget: CallBudget): Console {
  const at = (level: CapsuleLogLevel) => (...args: unknown[]) => {
    writeLog(env, budget, level, args.map(String).join(" "));
  };
  return {
    ...console,
    trace: at("debug"),
    debug: at("debug"),
    info: at("info"),
    log: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}

function writeLog(env: HostEnv, budget: CallBudget, level: CapsuleLogLevel, message: string) {
  const size = ENCODER.encode(message).length;
  if (budget.logged + size > env.limits.maxLogBytesPerCall) {
    const first = budget.limitHit === null;
    budget.limitHit ??=
      `log limit: the capsule logged over ${env.limits.maxLogBytesPerCall} bytes in one call`;
    if (first) env.services.log("warn", `capsule "${env.capsule}": ${budget.limitHit}; dropping`);
    return false;
  }
  budget.logged += size;
  env.services.log(level, message);
  return true;
}

function log(env: HostEnv, budget: CallBudget, bytes: Uint8Array): HostReply {
  const req = readRequest("log", bytes, { level: "string?", message: "string" });
  if (!req.ok) return req.reply;
  const level = (req.value.level ?? "info") as string;
  if (!["debug", "info", "warn", "error"].includes(level)) {
    return hostError("invalid_request", `log: level "${level}" is not debug, info, warn or error`);
  }
  return writeLog(env, budget, level as CapsuleLogLevel, req.value.message as string)
    ? { ok: true }
    : hostError("limit", `log: ${budget.limitHit}`);
}

function getConfig(env: HostEnv, bytes: Uint8Array): HostReply {
  const req = readRequest("get-config", bytes, { key: "string" });
  if (!req.ok) return req.reply;
  const key = req.value.key as string;
  if (env.secrets.some((s) => s.name === key)) {
    return hostError(
      "not_granted",
      `get-config: "${key}" is a secret; the host adds it to requests and never hands it out`,
    );
  }
  return { ok: true, value: Object.hasOwn(env.config, key) ? env.config[key]! : null };
}

async function kv(env: HostEnv, fn: "kv-get" | "kv-set", bytes: Uint8Array): Promise<HostReply> {
  if (!env.grants.kv) {
    return hostError("not_granted", `${fn}: capsule "${env.capsule}" was not granted kv`);
  }
  const req = fn === "kv-get"
    ? readRequest(fn, bytes, { key: "string" })
    : readRequest(fn, bytes, { key: "string", value: "string|null" });
  if (!req.ok) return req.reply;
  const key = req.value.key as string;
  if (key === "" || ENCODER.encode(key).length > MAX_KV_KEY_BYTES) {
    return hostError("invalid_request", `${fn}: key must be 1 to ${MAX_KV_KEY_BYTES} bytes`);
  }
  try {
    if (fn === "kv-get") return { ok: true, value: await env.services.kvGet(key) };
    const value = (req.value as Record<string, unknown>).value as string | null;
    if (value !== null && ENCODER.encode(value).length > MAX_KV_VALUE_BYTES) {
      return hostError("limit", `${fn}: value is over ${MAX_KV_VALUE_BYTES} bytes`);
    }
    await env.services.kvSet(key, value);
    return { ok: true };
  } catch (e) {
    return hostError("io", `${fn}: ${(e as Error).message}`);
  }
}
