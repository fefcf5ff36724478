/**
 * Budget arithmetic in integer micro-dollars: reservations that can never
 * overshoot, settlement and refunds.
 *
 * @module
 */

export {
  type BudgetAccount,
  type BudgetLimits,
  chargeAccount,
  EMPTY_ACCOUNT,
  MICROS_PER_USD,
  microsToUsd,
  planReservation,
  type ReservationPlan,
  settleAccount,
  usdToMicros,
} from "./budget_math.ts";
