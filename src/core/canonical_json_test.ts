import assert from "node:assert/strict";
import fc from "fast-check";
import { canonicalJson } from "./canonical_json.ts";

Deno.test("canonicalJson() sorts keys at every depth and adds no whitespace", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [1, 2], c: "x" } }),
    '{"a":{"c":"x","d":[1,2]},"b":1}',
  );
});

Deno.test("canonicalJson() gives equal output for objects built in any key order", () => {
  fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
    const reversed = Object.fromEntries(Object.entries(obj).reverse());
    return canonicalJson(obj) === canonicalJson(reversed);
  }));
});

Deno.test("canonicalJson() drops undefined properties but rejects undefined in arrays", () => {
  assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  assert.throws(() => canonicalJson([1, undefined]), /\$\[1\]: undefined in an array/);
});

Deno.test("canonicalJson() rejects values JSON cannot carry exactly, naming the path", () => {
  assert.throws(() => canonicalJson({ a: NaN }), /\$\.a: number NaN is not finite/);
  assert.throws(() => canonicalJson({ a: 1n }), /\$\.a: bigint has no JSON form/);
  assert.throws(() => canonicalJson({ a: new Date(0) }), /expected a plain object, got Date/);
  assert.throws(() => canonicalJson({ f() {} }), /function has no JSON form/);
});

Deno.test("canonicalJson() refuses absurd nesting instead of overflowing the stack", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = [deep];
  assert.throws(() => canonicalJson(deep), /nested deeper than 256/);
});

Deno.test("canonicalJson() keeps __proto__ as an ordinary key", () => {
  const o = JSON.parse('{"__proto__":{"x":1},"a":2}');
  assert.equal(canonicalJson(o), '{"__proto__":{"x":1},"a":2}');
});
