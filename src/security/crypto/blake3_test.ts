import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { blake3 as nobleBlake3 } from "@noble/hashes/blake3.js";
import { toHex, utf8 } from "../../core/mod.ts";
import { blake3, blake3Domain, blake3Hex } from "./blake3.ts";

/** The shared vectors live beside the repository: `<repo>/../shared/vectors/`. */
const VECTORS = new URL("../../../../shared/vectors/", import.meta.url);

interface Blake3Vectors {
  cases: { input_len: number; hash: string }[];
}

async function loadVectors(): Promise<Blake3Vectors> {
  const path = fromFileUrl(new URL("blake3_test_vectors.json", VECTORS));
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    // A missing vector file fails the test: it must never pass by skipping.
    throw new Error(`cannot load test vectors ${path}: ${String(e)}`, { cause: e });
  }
}

/** The official input pattern: byte i is `i % 251`. */
function input(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = i % 251;
  return out;
}

Deno.test("blake3() matches every official BLAKE3 test vector (default 32-byte hash)", async (t) => {
  const { cases } = await loadVectors();
  assert.ok(cases.length >= 30, `expected the full vector set, got ${cases.length} cases`);
  for (const c of cases) {
    await t.step(`input length ${c.input_len}`, () => {
      const expected = c.hash.slice(0, 64);
      const data = input(c.input_len);
      assert.equal(toHex(blake3(data)), expected);
      assert.equal(blake3Hex(data), expected);
    });
  }
});

Deno.test("blake3() agrees with @noble/hashes on arbitrary lengths", () => {
  for (const n of [0, 1, 31, 32, 33, 64, 65, 1023, 1024, 1025, 4096, 70_000]) {
    const data = input(n).map((b) => b ^ 0x5a);
    assert.equal(blake3Hex(data), toHex(nobleBlake3(data)), `length ${n}`);
  }
});

Deno.test("blake3Domain() separates contexts and cannot be confused by shifting bytes", () => {
  const data = utf8("payload");
  assert.notEqual(blake3Domain("a", data), blake3Domain("b", data));
  // Moving a byte between the context and the data changes the digest (length prefix).
  assert.notEqual(blake3Domain("ab", utf8("c")), blake3Domain("a", utf8("bc")));
  assert.notEqual(blake3Domain("a", data), blake3Hex(data));
  assert.equal(blake3Domain("a", data), blake3Domain("a", data));
});
