/**
 * Reading named parameters of a request: each helper returns the typed value
 * or throws an `invalidParams` {@link RpcError} that names the parameter,
 * what was expected and what arrived.
 *
 * @module
 */

import { RPC_ERRORS, RpcError } from "./protocol.ts";

type Params = Readonly<Record<string, unknown>>;

/** A required string of 1..`max` characters. */
export function requireString(p: Params, name: string, max = 256): string {
  const v = p[name];
  if (typeof v !== "string" || v.length === 0 || v.length > max) {
    throw bad(name, `a string of 1 to ${max} characters`, v);
  }
  return v;
}

/** An optional string of 1..`max` characters. */
export function optionalString(p: Params, name: string, max = 256): string | undefined {
  return p[name] === undefined ? undefined : requireString(p, name, max);
}

/** An optional integer in `[min, max]`, or `fallback`. */
export function optionalInt(
  p: Params,
  name: string,
  range: { min: number; max: number },
  fallback: number,
): number {
  const v = p[name];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < range.min || v > range.max) {
    throw bad(name, `an integer from ${range.min} to ${range.max}`, v);
  }
  return v;
}

/** An optional boolean, or `false`. */
export function optionalBool(p: Params, name: string): boolean {
  const v = p[name];
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw bad(name, "true or false", v);
  return v;
}

/** A required string among `values`. */
export function requireOneOf<T extends string>(p: Params, name: string, values: readonly T[]): T {
  const v = p[name];
  if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
    throw bad(name, `one of ${values.map((x) => `"${x}"`).join(", ")}`, v);
  }
  return v as T;
}

function bad(name: string, expected: string, got: unknown): RpcError {
  const shown = got === undefined ? "nothing" : JSON.stringify(got)?.slice(0, 60) ?? String(got);
  return new RpcError(
    RPC_ERRORS.invalidParams,
    `Parameter "${name}" must be ${expected}, got ${shown}`,
  );
}
