import assert from "node:assert/strict";
import { CAPSULE_LIMIT_CEILINGS, resolveCapsuleLimits } from "./capsule_limits.ts";

Deno.test("resolveCapsuleLimits() defaults to 64 MiB and 30 s", () => {
  const r = resolveCapsuleLimits();
  assert.ok(r.ok);
  assert.equal(r.limits.memoryBytes, 64 * 1024 * 1024);
  assert.equal(r.limits.callTimeoutMs, 30_000);
  assert.deepEqual(r.limits, CAPSULE_LIMIT_CEILINGS);
});

Deno.test("resolveCapsuleLimits() lowers limits but never raises them", () => {
  const low = resolveCapsuleLimits({ memoryBytes: 1024 * 1024, callTimeoutMs: 1000 });
  assert.ok(low.ok);
  assert.equal(low.limits.memoryBytes, 1024 * 1024);
  assert.equal(low.limits.callTimeoutMs, 1000);
  const high = resolveCapsuleLimits({ memoryBytes: 128 * 1024 * 1024 });
  assert.ok(!high.ok);
  assert.match(
    high.reason,
    /memoryBytes = 134217728 is above the ceiling 67108864; limits can only be lowered/,
  );
  const slow = resolveCapsuleLimits({ callTimeoutMs: 30_001 });
  assert.ok(!slow.ok);
});

Deno.test("resolveCapsuleLimits() refuses nonsense values", () => {
  for (
    const bad of [{ memoryBytes: 1000 }, { callTimeoutMs: 0 }, { maxOutputBytes: 1.5 }, {
      callTimeoutMs: NaN,
    }]
  ) {
    assert.equal(resolveCapsuleLimits(bad).ok, false, JSON.stringify(bad));
  }
  assert.equal(resolveCapsuleLimits({ maxRedirects: 0 }).ok, true);
  const unknown = resolveCapsuleLimits({ cpu: 1 } as never);
  assert.ok(!unknown.ok);
  assert.match(unknown.reason, /unknown capsule limit "cpu"/);
});
