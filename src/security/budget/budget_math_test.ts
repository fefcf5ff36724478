import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type BudgetAccount,
  type BudgetLimits,
  EMPTY_ACCOUNT,
  planReservation,
  settleAccount,
  usdToMicros,
} from "./budget_math.ts";

const limits: BudgetLimits = { session_usd: 1, action_usd: 0.5, warn_ratio: 0.8 };

Deno.test("planReservation() denies a single action above the per-action limit", () => {
  const r = planReservation(limits, usdToMicros(0.51), EMPTY_ACCOUNT);
  assert.equal(r.kind, "deny");
  assert.equal(r.kind === "deny" && r.limit, "action");
});

Deno.test("planReservation() counts reserved and spent money against the session limit", () => {
  const acct: BudgetAccount = { spentMicros: usdToMicros(0.6), reservedMicros: usdToMicros(0.3) };
  assert.equal(planReservation(limits, usdToMicros(0.1), acct).kind, "ok");
  const r = planReservation(limits, usdToMicros(0.11), acct);
  assert.equal(r.kind === "deny" && r.limit, "session");
  assert.match(r.kind === "deny" ? r.reason : "", /session budget exhausted: \$0\.90 of \$1\.00/);
});

Deno.test("planReservation() enforces a workspace limit only when one is configured", () => {
  const ws: BudgetAccount = { spentMicros: usdToMicros(9.95), reservedMicros: 0 };
  assert.equal(planReservation(limits, usdToMicros(0.1), EMPTY_ACCOUNT, ws).kind, "ok");
  const r = planReservation({ ...limits, workspace_usd: 10 }, usdToMicros(0.1), EMPTY_ACCOUNT, ws);
  assert.equal(r.kind === "deny" && r.limit, "workspace");
});

Deno.test("planReservation() warns once when the warning threshold is crossed", () => {
  const acct: BudgetAccount = { spentMicros: usdToMicros(0.7), reservedMicros: 0 };
  const r = planReservation(limits, usdToMicros(0.15), acct);
  assert.equal(r.kind === "ok" && r.warning, "session budget at 85% of $1.00");
  const after = planReservation(limits, usdToMicros(0.01), { ...acct, reservedMicros: 150_000 });
  assert.equal(after.kind === "ok" && after.warning, undefined);
});

Deno.test("planReservation() rejects negative, fractional and non-finite amounts", () => {
  assert.throws(() => planReservation(limits, -1, EMPTY_ACCOUNT), RangeError);
  assert.throws(() => planReservation(limits, 0.5, EMPTY_ACCOUNT), RangeError);
  assert.throws(() => usdToMicros(NaN), /expected a finite amount/);
  assert.throws(() => usdToMicros(-0.01), RangeError);
});

Deno.test("settleAccount() releases the reservation and charges the actual cost", () => {
  const acct = { spentMicros: 100, reservedMicros: 500 };
  assert.deepEqual(settleAccount(acct, 500, 200), { spentMicros: 300, reservedMicros: 0 });
  assert.deepEqual(settleAccount(acct, 500, 0), { spentMicros: 100, reservedMicros: 0 });
});

Deno.test("planReservation() never lets a sequence of reservations exceed the limit (property)", () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 600_000 }), { maxLength: 60 }), (xs) => {
    let acct: BudgetAccount = EMPTY_ACCOUNT;
    for (const x of xs) {
      const r = planReservation(limits, x, acct);
      if (r.kind === "ok") acct = r.session;
    }
    return acct.spentMicros + acct.reservedMicros <= usdToMicros(limits.session_usd);
  }));
});
