/**
 * The BLAKE3 pin of a component, checked on every load. Pure: bytes in,
 * verdict out. Invariant: a binary that differs from the one the human
 * installed never runs; in production a component without a pin never runs.
 *
 * @module
 */

import { blake3Hex } from "../security/mod.ts";

/** Result of {@link verifyComponentHash}; `actual` is always `blake3:<hex>` of the bytes. */
export type HashVerdict =
  | { ok: true; actual: string }
  | { ok: false; actual: string; reason: string; mismatch: boolean };

/** Compare `bytes` with the manifest's `expected` pin (or `null` when it has none). */
export function verifyComponentHash(
  bytes: Uint8Array,
  expected: string | null,
  production: boolean,
  what: string,
): HashVerdict {
  const actual = `blake3:${blake3Hex(bytes)}`;
  if (expected === null) {
    return production
      ? {
        ok: false,
        actual,
        mismatch: false,
        reason: `${what} has no [component] hash in its manifest, and production mode refuses ` +
          `unpinned components (its hash is ${actual})`,
      }
      : { ok: true, actual };
  }
  if (expected !== actual) {
    return {
      ok: false,
      actual,
      mismatch: true,
      reason: `${what} has hash ${actual} but the manifest pins ${expected}; ` +
        "the binary changed after install, so it will not load",
    };
  }
  return { ok: true, actual };
}
