/**
 * Denial counting per session: after too many denials in a row, or in total,
 * the session pauses until the human resumes it, so an agent cannot loop on
 * denied actions (probing the policy or wearing the human down).
 *
 * @module
 */

/** Per-session denial state. */
export interface DenialState {
  readonly consecutive: number;
  readonly total: number;
  readonly paused: boolean;
  readonly pausedReason?: string;
}

/** Limits from `[approval]`. */
export interface DenialLimits {
  max_consecutive_denials: number;
  max_total_denials: number;
}

/** A fresh session's state. */
export const NO_DENIALS: DenialState = { consecutive: 0, total: 0, paused: false };

/** Next state after one decision. */
export function countDecision(
  state: DenialState,
  denied: boolean,
  limits: DenialLimits,
): DenialState {
  if (!denied) return { ...state, consecutive: 0 };
  const consecutive = state.consecutive + 1;
  const total = state.total + 1;
  if (state.paused) return { ...state, consecutive, total };
  if (consecutive >= limits.max_consecutive_denials) {
    return {
      consecutive,
      total,
      paused: true,
      pausedReason: `${consecutive} consecutive denials (limit ${limits.max_consecutive_denials})`,
    };
  }
  if (total >= limits.max_total_denials) {
    return {
      consecutive,
      total,
      paused: true,
      pausedReason: `${total} denials in this session (limit ${limits.max_total_denials})`,
    };
  }
  return { consecutive, total, paused: false };
}

/**
 * State after the human resumes the session: both counters restart, so the
 * limits count denials since the human last looked.
 */
export function resumeSession(_state: DenialState): DenialState {
  return NO_DENIALS;
}
