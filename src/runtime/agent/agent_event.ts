/**
 * What a frontend sees of a turn: one discriminated union, in order. Every
 * event names the session and, where it matters, the agent (`agent`, or a
 * sub-agent's label such as `agent/task-1`), so a frontend can show
 * sub-agents' work and approval requests labelled with who asks.
 *
 * @module
 */

import type { ApprovalRequest } from "../../security/mod.ts";
import type { ToolResultStatus } from "./session_record.ts";

/** How a turn ended. */
export type TurnStatus =
  /** The model finished its answer. */
  | "completed"
  /** The model wanted more tool calls than `[agent] max_steps_per_turn` allows. */
  | "max_steps"
  /** `cancel()` or the caller's signal. */
  | "cancelled"
  /** The session (or a parent) spent its budget. */
  | "budget_exceeded"
  /** The model call failed (after the provider's retries), or storage failed. */
  | "error";

/** One event of a turn. */
export type AgentEvent =
  | {
    readonly kind: "turn_started";
    readonly sessionId: string;
    readonly turnId: string;
    readonly turnNo: number;
  }
  | {
    readonly kind: "text";
    readonly sessionId: string;
    readonly agent: string;
    readonly text: string;
  }
  | {
    readonly kind: "tool_started";
    readonly sessionId: string;
    readonly agent: string;
    readonly callId: string;
    readonly tool: string;
    readonly arguments: Readonly<Record<string, unknown>>;
  }
  | {
    readonly kind: "tool_result";
    readonly sessionId: string;
    readonly agent: string;
    readonly callId: string;
    readonly tool: string;
    readonly status: ToolResultStatus;
    /** What the model is given (for denials and deferrals: why). */
    readonly output: string;
  }
  | {
    readonly kind: "approval_needed";
    readonly sessionId: string;
    readonly agent: string;
    /** Answer with `TurnControl.answer(request.id, decision)`. */
    readonly request: ApprovalRequest;
  }
  | {
    readonly kind: "usage";
    readonly sessionId: string;
    readonly agent: string;
    readonly model: string;
    readonly inputTokens: number;
    readonly outputTokens: number;
    /** `null` when the model has no price in `[llm.prices]` (nothing was charged). */
    readonly costUsd: number | null;
    /** This session's spending so far, its sub-agents included. */
    readonly sessionSpentUsd: number;
  }
  | {
    readonly kind: "subagent_started";
    readonly sessionId: string;
    readonly agent: string;
    readonly parentSessionId: string;
    readonly description: string;
  }
  | {
    readonly kind: "subagent_finished";
    readonly sessionId: string;
    readonly agent: string;
    readonly status: TurnStatus;
  }
  | {
    readonly kind: "context_summarized";
    readonly sessionId: string;
    readonly agent: string;
    /** How many records the summary replaced. */
    readonly records: number;
    readonly estimatedTokens: number;
  }
  | {
    readonly kind: "warning";
    readonly sessionId: string;
    readonly agent: string;
    /** `llm_unpriced`, `summary_failed`, ... */
    readonly code: string;
    readonly message: string;
  }
  | {
    readonly kind: "error";
    readonly sessionId: string;
    readonly agent: string;
    /** An LLM error code (`stream_interrupted`, `rate_limited`, ...) or an AstridError code. */
    readonly code: string;
    readonly message: string;
  }
  | {
    readonly kind: "turn_complete";
    readonly sessionId: string;
    readonly turnId: string;
    readonly status: TurnStatus;
    /** Model calls that ran tools. */
    readonly steps: number;
    /** The final answer's text. */
    readonly text: string;
  };

/** What a finished turn returns. */
export interface TurnResult {
  readonly sessionId: string;
  readonly turnId: string;
  readonly status: TurnStatus;
  readonly steps: number;
  /** The final answer's text (the last assistant message's text). */
  readonly text: string;
  /** Set when `status` is `error` or `budget_exceeded`. */
  readonly error?: { readonly code: string; readonly message: string };
}
