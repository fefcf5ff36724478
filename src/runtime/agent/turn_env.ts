/**
 * The state a turn runs with: what the host shares (runtime, stores,
 * provider, tools), what the turn shares across its agents (the frontend,
 * the cancel signal), and what each agent in it holds (its session, scope,
 * interceptor, conversation and spending).
 *
 * @module
 */

import type { Clock, Random } from "../../core/mod.ts";
import type { LlmProvider, LlmToolSpec } from "../../llm/mod.ts";
import type { SecurityInterceptor } from "../../security/mod.ts";
import type { KvSessionStore, SessionMeta, SessionScope } from "../../storage/mod.ts";
import type { SecurityRuntime } from "../security_runtime.ts";
import type { AgentEvent } from "./agent_event.ts";
import type { ApprovalBridge } from "./approval_bridge.ts";
import type { IndexedBody } from "./session_record.ts";
import type { SessionWriter } from "./session_writer.ts";
import type { ToolHost } from "./tool_host.ts";

/** What every turn of one host shares. */
export interface HostDeps {
  readonly rt: SecurityRuntime;
  readonly sessions: KvSessionStore;
  readonly provider: LlmProvider;
  readonly tools: ToolHost;
  readonly bridge: ApprovalBridge;
  readonly clock: Clock;
  readonly random: Random;
  readonly model: string;
  readonly systemPrompt: string;
  /** Sessions with a turn running in this host (its sub-agents' included). */
  readonly running: Set<string>;
  /** Sub-agents running per parent session, for `[agent] subagent_concurrency`. */
  readonly slots: Map<string, Slots>;
}

/** What the agents of one turn share. */
export interface TurnEnv {
  readonly host: HostDeps;
  readonly turnId: string;
  readonly principal: string;
  readonly signal: AbortSignal;
  /** Deliver an event to the frontend (never throws). */
  emit(event: AgentEvent): Promise<void>;
  /** Route a sub-agent session's approval requests to this turn's frontend. */
  attach(sessionId: string): () => void;
}

/** One agent taking part in a turn. */
export interface AgentState {
  readonly sessionId: string;
  /** `agent`, `agent/task-1`, ... (`requestedBy` in the audit log). */
  readonly label: string;
  readonly scope: SessionScope;
  /** Spending cap of this session and its sub-agents, micro-USD. */
  readonly capMicros: number;
  readonly interceptor: SecurityInterceptor;
  readonly writer: SessionWriter;
  /** The parent agent, when it runs in the same turn. */
  readonly parent: AgentState | undefined;
  /** Ancestor sessions not running in this turn (a sub-agent session driven on its own). */
  readonly outsideAncestors: readonly string[];
  readonly turnNo: number;
  /** Tools the model is offered. */
  readonly specs: readonly LlmToolSpec[];
  /** The system prompt of this agent's model calls. */
  readonly system: string;
  meta: SessionMeta;
  /** Spent by this session and its sub-agents (micro-USD), as far as this host knows. */
  spentMicros: number;
  /** Budget handed to sub-agents that are still running (micro-USD). */
  carvedMicros: number;
  summary: string | undefined;
  /** Records after the summary, in order. */
  bodies: IndexedBody[];
  /** Prompt plus completion tokens of the last call, as the provider reported them. */
  lastReportedTokens: number;
  /** Models already warned about (no price): the session's, shared with sub-agents in the turn. */
  readonly warnedUnpriced: Set<string>;
}

/** A counting semaphore whose waits can be abandoned. */
export class Slots {
  readonly #size: number;
  #free: number;
  readonly #waiters: (() => void)[] = [];

  constructor(size: number) {
    this.#size = size;
    this.#free = size;
  }

  /** Wait for a slot; rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    const release = () => {
      const next = this.#waiters.shift();
      if (next) next();
      else this.#free++;
    };
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(once(release));
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener("abort", onAbort);
        resolve(once(release));
      };
      const onAbort = () => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(signal.reason);
      };
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(grant);
    });
  }

  /** True when nothing holds or waits for a slot. */
  get idle(): boolean {
    return this.#free === this.#size && this.#waiters.length === 0;
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
