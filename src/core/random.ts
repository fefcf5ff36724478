/**
 * Randomness as a port, so token nonces and ids are reproducible in tests.
 *
 * @module
 */

import { toHex } from "./bytes.ts";

/** A source of random bytes. */
export interface Random {
  bytes(n: number): Uint8Array;
}

/** Deterministic bytes from a 32-bit seed (xorshift). For tests only. */
export class SeededRandom implements Random {
  #s: number;
  constructor(seed = 1) {
    this.#s = seed >>> 0 || 1;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let x = this.#s;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.#s = x >>> 0;
      out[i] = this.#s & 0xff;
    }
    return out;
  }
}

/** A random id: 16 random bytes as lowercase hex. */
export function randomId(random: Random, bytes = 16): string {
  return toHex(random.bytes(bytes));
}

/** Cryptographically secure randomness from the Web Crypto API. */
export const cryptoRandom: Random = {
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    // getRandomValues fills at most 65536 bytes per call.
    for (let o = 0; o < n; o += 65536) {
      crypto.getRandomValues(out.subarray(o, Math.min(n, o + 65536)));
    }
    return out;
  },
};
