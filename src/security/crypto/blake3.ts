/**
 * BLAKE3 through `hash-wasm` (WASM, about 10x faster than pure JS at 300 bytes,
 * measured in ../shared/notes/toolchain.md). The hasher is created once at
 * module load; after that every call is synchronous.
 *
 * Domain separation: callers pass a context string; the digest is BLAKE3 over
 * `len(context) || context || data` so two encodings of different kinds can never
 * collide even if their bytes match.
 *
 * @module
 */

import { createBLAKE3, type IHasher } from "hash-wasm";
import { concatBytes, toHex, utf8 } from "../../core/mod.ts";

const hasher: IHasher = await createBLAKE3(256);

/** Plain BLAKE3-256 of `data` (no domain separation), as 32 bytes. */
export function blake3(data: Uint8Array): Uint8Array {
  hasher.init();
  hasher.update(data);
  return hasher.digest("binary");
}

/** Plain BLAKE3-256 of `data` as lowercase hex. */
export function blake3Hex(data: Uint8Array): string {
  hasher.init();
  hasher.update(data);
  return hasher.digest("hex");
}

/**
 * Domain-separated BLAKE3: hash of a 4-byte big-endian context length, the
 * UTF-8 context, then `data`. Returns lowercase hex.
 */
export function blake3Domain(context: string, data: Uint8Array): string {
  const ctx = utf8(context);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, ctx.length);
  hasher.init();
  hasher.update(concatBytes(len, ctx));
  hasher.update(data);
  return hasher.digest("hex");
}

export { toHex };
