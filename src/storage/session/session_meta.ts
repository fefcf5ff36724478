/**
 * What the session store keeps about one agent session: its owner, where it
 * works, what it may do, how far its conversation got and what it spent.
 * Plain data, stored as is in Deno KV.
 *
 * @module
 */

import type { EscapePolicy, WorkspaceMode } from "../../security/mod.ts";

/** What an agent in this session may do (a sub-agent's is strictly narrower than its parent's). */
export interface SessionScope {
  /** Tool names the model is offered and may call. */
  readonly tools: readonly string[];
  /** Canonical folder the agent works in (the workspace root, or a folder inside it). */
  readonly root: string;
  readonly mode: WorkspaceMode;
  readonly escapePolicy: EscapePolicy;
  /** Spending cap of this session and its sub-agents together, in micro-USD. */
  readonly budgetMicros: number;
  /** 0 for a top-level agent, 1 for its sub-agents, ... */
  readonly depth: number;
}

/** Token counts and calls of a session's own model calls. */
export interface SessionUsage {
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Calls whose model had no price in `[llm.prices]` (charged nothing). */
  readonly unpricedCalls: number;
}

/** How a turn ended. */
export interface TurnRecord {
  readonly id: string;
  readonly no: number;
  readonly status: string;
  readonly error?: string;
  readonly startedAt: number;
  readonly endedAt?: number;
}

/** One session. `messageCount` is also the index the next record gets. */
export interface SessionMeta {
  readonly v: 1;
  readonly id: string;
  /** Who owns it: only this principal may read it or act in it. */
  readonly principal: string;
  /** Canonical workspace of the runtime that created it. */
  readonly workspace: string;
  /** `agent`, or a sub-agent's label such as `agent/task-2`. */
  readonly label: string;
  readonly parentSessionId?: string;
  readonly rootSessionId: string;
  readonly scope: SessionScope;
  readonly title?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** `deleting` while a delete is under way (hidden from every read). */
  readonly status: "active" | "deleting";
  readonly messageCount: number;
  readonly turnCount: number;
  /** Spent by this session and every sub-agent under it, in micro-USD (LLM usage). */
  readonly spentMicros: number;
  readonly usage: SessionUsage;
  /** Models already reported as missing from the price table. */
  readonly unpricedModels: readonly string[];
  /** Number of the next sub-agent (`agent/task-<n>`). */
  readonly nextTaskNo: number;
  /** Set while a turn runs; still set after a crash, which `resume` repairs. */
  readonly activeTurn?: TurnRecord;
  readonly lastTurn?: TurnRecord;
  /** The latest context summary: records up to `throughIndex` are replaced by record `recordIndex`. */
  readonly summary?: { readonly recordIndex: number; readonly throughIndex: number };
}

/** What `create()` needs; counters start at zero. */
export type NewSession = Pick<
  SessionMeta,
  | "id"
  | "principal"
  | "workspace"
  | "label"
  | "parentSessionId"
  | "rootSessionId"
  | "scope"
  | "title"
  | "createdAt"
>;

/** One stored conversation record (a message, a tool result, a summary). */
export interface StoredRecord<T = unknown> {
  readonly index: number;
  /** The turn number it belongs to. */
  readonly turn: number;
  readonly at: number;
  readonly body: T;
}

/** The usage counters of a new session. */
export const NO_USAGE: SessionUsage = {
  calls: 0,
  inputTokens: 0,
  outputTokens: 0,
  unpricedCalls: 0,
};

/** A fresh session's meta. */
export function newSessionMeta(s: NewSession): SessionMeta {
  return {
    v: 1,
    id: s.id,
    principal: s.principal,
    workspace: s.workspace,
    label: s.label,
    ...(s.parentSessionId !== undefined ? { parentSessionId: s.parentSessionId } : {}),
    rootSessionId: s.rootSessionId,
    scope: s.scope,
    ...(s.title !== undefined ? { title: s.title } : {}),
    createdAt: s.createdAt,
    updatedAt: s.createdAt,
    status: "active",
    messageCount: 0,
    turnCount: 0,
    spentMicros: 0,
    usage: NO_USAGE,
    unpricedModels: [],
    nextTaskNo: 1,
  };
}
