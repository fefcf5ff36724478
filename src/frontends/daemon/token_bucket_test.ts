import assert from "node:assert/strict";
import { FakeClock } from "../../core/mod.ts";
import { FailureLimiter } from "./token_bucket.ts";

Deno.test("FailureLimiter refuses an address after its burst of failures and lets it back as tokens return", () => {
  const clock = new FakeClock(1000);
  const l = new FailureLimiter(clock, { burst: 3, refillMs: 1000 });
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(l.check("a"), { ok: true });
    l.fail("a");
  }
  assert.deepEqual(l.check("a"), { ok: false, retryAfterMs: 1000, first: true });
  assert.deepEqual(l.check("a"), { ok: false, retryAfterMs: 1000, first: false });
  assert.deepEqual(l.check("b"), { ok: true }, "other addresses are not affected");
  clock.advance(400);
  assert.deepEqual(l.check("a"), { ok: false, retryAfterMs: 600, first: false });
  clock.advance(600);
  assert.deepEqual(l.check("a"), { ok: true });
  l.fail("a");
  assert.deepEqual(
    l.check("a"),
    { ok: false, retryAfterMs: 1000, first: true },
    "running dry again is a new episode (audited again)",
  );
});

Deno.test("FailureLimiter refills to at most its burst", () => {
  const clock = new FakeClock(0);
  const l = new FailureLimiter(clock, { burst: 2, refillMs: 10 });
  l.fail("a");
  clock.advance(1_000_000);
  l.fail("a");
  l.fail("a");
  assert.equal(l.check("a").ok, false);
});

Deno.test("FailureLimiter rejects nonsense limits", () => {
  assert.throws(() => new FailureLimiter(new FakeClock(0), { burst: 0, refillMs: 1 }), RangeError);
  assert.throws(
    () => new FailureLimiter(new FakeClock(0), { burst: 1, refillMs: NaN }),
    RangeError,
  );
});
