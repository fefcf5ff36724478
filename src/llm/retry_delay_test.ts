import assert from "node:assert/strict";
import { DEFAULT_RETRY, parseRetryAfter, retryDelayMs, unitFromBytes } from "./retry_delay.ts";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const headers = (h: Record<string, string>) => new Headers(h);

Deno.test("parseRetryAfter() reads seconds, HTTP dates and retry-after-ms", async (t) => {
  const cases: [string, Record<string, string>, number | undefined][] = [
    ["whole seconds", { "retry-after": "2" }, 2000],
    ["fractional seconds", { "retry-after": "0.25" }, 250],
    ["zero", { "retry-after": "0" }, 0],
    ["an HTTP date 30 s ahead", { "retry-after": "Thu, 01 Jan 2026 12:00:30 GMT" }, 30_000],
    ["an HTTP date in the past is 0", { "retry-after": "Thu, 01 Jan 2026 11:00:00 GMT" }, 0],
    ["retry-after-ms wins", { "retry-after-ms": "1500", "retry-after": "9" }, 1500],
    ["a bad retry-after-ms falls back to retry-after", {
      "retry-after-ms": "soon",
      "retry-after": "3",
    }, 3000],
    ["no header", {}, undefined],
    ["garbage", { "retry-after": "later please" }, undefined],
    ["a negative number", { "retry-after": "-5" }, undefined],
    ["a bare number-like date string", { "retry-after": "2026-01-01" }, undefined],
    ["an invalid date", { "retry-after": "Foo, 99 Bar 2026 99:99:99 GMT" }, undefined],
  ];
  for (const [name, h, expected] of cases) {
    await t.step(name, () => assert.equal(parseRetryAfter(headers(h), NOW), expected));
  }
});

Deno.test("retryDelayMs() honours retry-after up to the cap", () => {
  assert.equal(retryDelayMs(0, 2000, DEFAULT_RETRY, 0.9), 2000);
  assert.equal(retryDelayMs(0, 3_600_000, DEFAULT_RETRY, 0.1), DEFAULT_RETRY.maxRetryAfterMs);
  assert.equal(retryDelayMs(2, 0, DEFAULT_RETRY, 0.5), 0);
});

Deno.test("retryDelayMs() doubles each step, with half of it random, up to the maximum", () => {
  const o = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(retryDelayMs(0, undefined, o, 0), 50);
  assert.equal(retryDelayMs(0, undefined, o, 0.999999), 100);
  assert.equal(retryDelayMs(1, undefined, o, 0), 100);
  assert.equal(retryDelayMs(3, undefined, o, 0), 400);
  assert.equal(retryDelayMs(10, undefined, o, 0), 500);
  assert.equal(retryDelayMs(10, undefined, o, 0.999999), 1000);
  assert.equal(retryDelayMs(60, undefined, o, 0.5), 750, "no overflow on large attempts");
});

Deno.test("unitFromBytes() stays in [0, 1)", () => {
  assert.equal(unitFromBytes(new Uint8Array([0, 0, 0, 0])), 0);
  const top = unitFromBytes(new Uint8Array([255, 255, 255, 255]));
  assert.ok(top < 1 && top > 0.999);
  assert.equal(unitFromBytes(new Uint8Array([128, 0, 0, 0])), 0.5);
});
