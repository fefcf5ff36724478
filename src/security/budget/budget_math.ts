/**
 * Budget arithmetic, pure. Money is counted in integer micro-dollars
 * (1 USD = 1,000,000) so that sums never drift through floating point.
 *
 * A budget account holds what was spent and what is reserved for actions in
 * flight. A reservation succeeds only when `spent + reserved + amount` stays
 * within the limit, so concurrent reservations can never overshoot: the
 * storage adapter applies this check and the write in one atomic commit.
 *
 * @module
 */

/** Micro-dollars in one dollar. */
export const MICROS_PER_USD = 1_000_000;

/** Dollars to micro-dollars, rounding up (a fraction of a micro-dollar is still a cost). */
export function usdToMicros(usd: number): number {
  if (!Number.isFinite(usd) || usd < 0) {
    throw new RangeError(`Cannot convert ${usd} USD: expected a finite amount >= 0`);
  }
  return Math.ceil(usd * MICROS_PER_USD - 1e-6);
}

/** Micro-dollars to dollars (for display). */
export function microsToUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

/** Limits as configured (`[budget]`), in dollars. */
export interface BudgetLimits {
  session_usd: number;
  action_usd: number;
  workspace_usd?: number | undefined;
  warn_ratio: number;
}

/** One account: a session's or a workspace's. */
export interface BudgetAccount {
  readonly spentMicros: number;
  readonly reservedMicros: number;
}

/** An empty account. */
export const EMPTY_ACCOUNT: BudgetAccount = { spentMicros: 0, reservedMicros: 0 };

/** Outcome of {@link planReservation}. */
export type ReservationPlan =
  | {
    kind: "ok";
    session: BudgetAccount;
    workspace?: BudgetAccount;
    /** Set when the reservation crosses the warning threshold of an account. */
    warning?: string;
  }
  | { kind: "deny"; limit: "action" | "session" | "workspace"; reason: string };

/**
 * Decide a reservation of `amountMicros` against the session account and,
 * when a workspace limit is configured, the workspace account.
 */
export function planReservation(
  limits: BudgetLimits,
  amountMicros: number,
  session: BudgetAccount,
  workspace?: BudgetAccount,
): ReservationPlan {
  if (!Number.isSafeInteger(amountMicros) || amountMicros < 0) {
    throw new RangeError(`Cannot reserve ${amountMicros} micro-USD: expected a whole number >= 0`);
  }
  const actionLimit = usdToMicros(limits.action_usd);
  if (amountMicros > actionLimit) {
    return {
      kind: "deny",
      limit: "action",
      reason: `cost $${fmt(amountMicros)} exceeds the per-action limit of $${fmt(actionLimit)}`,
    };
  }
  const sessionLimit = usdToMicros(limits.session_usd);
  const sessionAfter = session.spentMicros + session.reservedMicros + amountMicros;
  if (sessionAfter > sessionLimit) {
    return {
      kind: "deny",
      limit: "session",
      reason: `session budget exhausted: $${
        fmt(session.spentMicros + session.reservedMicros)
      } of $${fmt(sessionLimit)} used, this action needs $${fmt(amountMicros)}`,
    };
  }
  let workspaceNext: BudgetAccount | undefined;
  let warning: string | undefined = crossed(
    "session",
    limits.warn_ratio,
    sessionLimit,
    session.spentMicros + session.reservedMicros,
    sessionAfter,
  );
  if (workspace) {
    // Workspace spending is tracked even without a limit, so a limit set later counts it.
    const wsAfter = workspace.spentMicros + workspace.reservedMicros + amountMicros;
    if (limits.workspace_usd !== undefined) {
      const wsLimit = usdToMicros(limits.workspace_usd);
      if (wsAfter > wsLimit) {
        return {
          kind: "deny",
          limit: "workspace",
          reason: `workspace budget exhausted: $${
            fmt(workspace.spentMicros + workspace.reservedMicros)
          } of $${fmt(wsLimit)} used, this action needs $${fmt(amountMicros)}`,
        };
      }
      warning ??= crossed(
        "workspace",
        limits.warn_ratio,
        wsLimit,
        workspace.spentMicros + workspace.reservedMicros,
        wsAfter,
      );
    }
    workspaceNext = {
      spentMicros: workspace.spentMicros,
      reservedMicros: workspace.reservedMicros + amountMicros,
    };
  }
  const sessionNext = {
    spentMicros: session.spentMicros,
    reservedMicros: session.reservedMicros + amountMicros,
  };
  return {
    kind: "ok",
    session: sessionNext,
    ...(workspaceNext ? { workspace: workspaceNext } : {}),
    ...(warning ? { warning } : {}),
  };
}

/**
 * Settle a reservation: release `reservedMicros` and charge `actualMicros`.
 * A refund is a settlement with an actual cost of 0.
 */
export function settleAccount(
  account: BudgetAccount,
  reservedMicros: number,
  actualMicros: number,
): BudgetAccount {
  if (!Number.isSafeInteger(actualMicros) || actualMicros < 0) {
    throw new RangeError(`Cannot settle ${actualMicros} micro-USD: expected a whole number >= 0`);
  }
  return {
    spentMicros: account.spentMicros + actualMicros,
    reservedMicros: Math.max(0, account.reservedMicros - reservedMicros),
  };
}

/** Charge a cost directly (no reservation), as for LLM usage reported after a call. */
export function chargeAccount(account: BudgetAccount, micros: number): BudgetAccount {
  return settleAccount(account, 0, micros);
}

function crossed(
  what: string,
  ratio: number,
  limit: number,
  before: number,
  after: number,
): string | undefined {
  const threshold = limit * ratio;
  if (limit > 0 && before < threshold && after >= threshold) {
    return `${what} budget at ${Math.round((after / limit) * 100)}% of $${fmt(limit)}`;
  }
  return undefined;
}

function fmt(micros: number): string {
  return (micros / MICROS_PER_USD).toFixed(micros % 10_000 === 0 ? 2 : 6);
}
