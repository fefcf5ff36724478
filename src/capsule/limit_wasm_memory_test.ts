import assert from "node:assert/strict";
import { wat } from "../../tests/capsule/_wat.ts";
import fc from "fast-check";
import { leb, limitWasmMemory } from "./limit_wasm_memory.ts";

const GROW = `
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))`;

function instantiate(bytes: Uint8Array, imports: WebAssembly.Imports = {}) {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), imports)
    .exports as {
      grow(n: number): number;
      size(): number;
    };
}

Deno.test("limitWasmMemory() caps a memory without a maximum so memory.grow fails in the guest", () => {
  const original = wat(`(module (memory 1) ${GROW})`);
  assert.equal(instantiate(original).grow(100), 1, "unlimited before the rewrite");
  const r = limitWasmMemory(original, 4);
  assert.ok(r.ok, r.ok ? "" : r.reason);
  assert.deepEqual(r.memories, [{ imported: false, min: 1, declaredMax: null, max: 4 }]);
  const g = instantiate(r.bytes);
  assert.equal(g.grow(3), 1);
  assert.equal(g.grow(1), -1);
  assert.equal(g.grow(65535), -1);
  assert.equal(g.size(), 4);
});

Deno.test("limitWasmMemory() keeps a lower declared maximum and lowers a higher one", () => {
  const low = limitWasmMemory(wat(`(module (memory 1 2) ${GROW})`), 4);
  assert.ok(low.ok);
  assert.equal(low.memories[0]?.max, 2);
  const high = limitWasmMemory(wat(`(module (memory 1 65536) ${GROW})`), 4);
  assert.ok(high.ok);
  assert.equal(high.memories[0]?.max, 4);
  assert.equal(instantiate(high.bytes).grow(4), -1);
});

Deno.test("limitWasmMemory() limits an imported memory too", () => {
  const module = wat(`(module
    (import "env" "f" (func (param i32)))
    (import "env" "t" (table 1 funcref))
    (import "env" "g" (global i32))
    (import "env" "memory" (memory 1))
    ${GROW.replace(/memory\./g, "memory.")})`);
  const r = limitWasmMemory(module, 2);
  assert.ok(r.ok, r.ok ? "" : r.reason);
  assert.deepEqual(r.memories, [{ imported: true, min: 1, declaredMax: null, max: 2 }]);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(r.bytes as BufferSource));
  assert.deepEqual(imports.map((i) => i.name), ["f", "t", "g", "memory"]);
  // The host must now supply a memory whose maximum fits the rewritten type.
  const env = {
    f: () => {},
    t: new WebAssembly.Table({ initial: 1, element: "anyfunc" }),
    g: new WebAssembly.Global({ value: "i32" }, 0),
  };
  assert.throws(() =>
    instantiate(r.bytes, { env: { ...env, memory: new WebAssembly.Memory({ initial: 1 }) } })
  );
  const g = instantiate(r.bytes, {
    env: { ...env, memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }) },
  });
  assert.equal(g.grow(2), -1);
});

Deno.test("limitWasmMemory() leaves a module without memory and every other section byte-identical", () => {
  const module = wat(`(module (func (export "f") (result i32) (i32.const 7)))`);
  const r = limitWasmMemory(module, 4);
  assert.ok(r.ok);
  assert.deepEqual(r.bytes, module);
  assert.deepEqual(r.memories, []);
});

Deno.test("limitWasmMemory() refuses what it cannot bound, with a reason", async (t) => {
  const cases: [string, Uint8Array, RegExp][] = [
    [
      "initial size above the limit",
      wat(`(module (memory 5))`),
      /memory starts at 5 pages \(0.3125 MiB\), above the limit of 4 pages/,
    ],
    ["not wasm", new TextEncoder().encode("#!/bin/sh\nrm -rf /"), /not a WebAssembly module/],
    [
      "component layer",
      Uint8Array.of(0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0),
      /expected a core module/,
    ],
    [
      "truncated section",
      wat(`(module (memory 1))`).subarray(0, 11),
      /malformed module: unexpected end/,
    ],
    ["two memories", twoMemories(), /declares 2 memories; a capsule may have at most one/],
    ["64-bit memory", memorySection(Uint8Array.of(1, 0x04, 1)), /64-bit memory .* not supported/],
    [
      "section size lies",
      Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0x0f),
      /unexpected end/,
    ],
    [
      "overlong LEB",
      memorySection(Uint8Array.of(1, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)),
      /LEB128 longer than 5 bytes/,
    ],
    ["trailing bytes", memorySection(Uint8Array.of(1, 0x00, 1, 9)), /section 5 has trailing bytes/],
  ];
  for (const [name, bytes, expected] of cases) {
    await t.step(name, () => {
      const r = limitWasmMemory(bytes, 4);
      assert.ok(!r.ok);
      assert.match(r.reason, expected);
    });
  }
});

Deno.test("leb() encodes unsigned LEB128", () => {
  assert.deepEqual(leb(0), Uint8Array.of(0));
  assert.deepEqual(leb(127), Uint8Array.of(127));
  assert.deepEqual(leb(128), Uint8Array.of(0x80, 1));
  assert.deepEqual(leb(1024), Uint8Array.of(0x80, 8));
  assert.deepEqual(leb(0xffffffff), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f));
});

function memorySection(body: Uint8Array): Uint8Array {
  return Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, body.length, ...body);
}

function twoMemories(): Uint8Array {
  return memorySection(Uint8Array.of(2, 0x00, 1, 0x00, 1));
}

Deno.test("limitWasmMemory() never throws on mutated modules, and what it accepts stays bounded", () => {
  const base = wat(`(module
    (import "env" "f" (func (param i32)))
    (memory (export "memory") 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (data (i32.const 0) "hello"))`);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.integer({ min: 0, max: 8 }),
      (edits, cut) => {
        const bytes = base.slice(0, base.length - cut);
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        const r = limitWasmMemory(bytes, 2);
        if (!r.ok) return typeof r.reason === "string" && r.reason.length > 0;
        if (!r.memories.every((m) => m.max <= 2)) return false;
        let instance: WebAssembly.Instance;
        try {
          instance = new WebAssembly.Instance(new WebAssembly.Module(r.bytes), { env: { f() {} } });
        } catch {
          return true; // V8 refuses what the mutation broke elsewhere
        }
        // Whatever runs cannot grow its memory past the limit.
        const memory = Object.values(instance.exports).find((e) => e instanceof WebAssembly.Memory);
        if (!memory) return true;
        try {
          memory.grow(3);
        } catch { /* refused, as it must be */ }
        return memory.buffer.byteLength <= 2 * 65536;
      },
    ),
    { numRuns: 2000 },
  );
});
