/**
 * What a method handler is given: the daemon's shared parts and the calling
 * connection. Handlers are plain functions in `methods/`, one table per
 * group, so each can be read (and tested) on its own.
 *
 * @module
 */

import type { Clock } from "../../core/mod.ts";
import type { AgentHost } from "../../runtime/agent/mod.ts";
import type { SecurityRuntime } from "../../runtime/mod.ts";
import type { ApprovalDesk } from "./approval_desk.ts";
import type { Attachee, SessionHub } from "./session_hub.ts";

/** The session operations of the agent runtime the daemon uses. */
export type SessionHost = Pick<
  AgentHost,
  | "createSession"
  | "openSession"
  | "history"
  | "listSessions"
  | "startTurn"
  | "resume"
  | "deleteSession"
>;

/** The calling client. */
export interface Caller extends Attachee {
  /** What the client called itself in `hello` (`astrid-chat`), for logs and `answeredBy`. */
  readonly client: string;
  readonly remote: string;
}

/** What the daemon reports about itself. */
export interface DaemonStatus {
  readonly pid: number;
  readonly port: number;
  readonly mode: "persistent" | "ephemeral";
  readonly protocol: number;
  readonly version: string;
  readonly startedAt: number;
  readonly uptimeMs: number;
  readonly workspace: string;
  readonly clients: number;
  readonly liveSessions: number;
  readonly runningTurns: number;
  readonly pendingApprovals: number;
  readonly auditIntact: boolean;
  readonly shuttingDown: boolean;
}

/** Shared state and services for handlers. */
export interface MethodEnv {
  readonly rt: SecurityRuntime;
  readonly host: SessionHost;
  readonly hub: SessionHub;
  readonly desk: ApprovalDesk;
  readonly caller: Caller;
  readonly clock: Clock;
  status(): DaemonStatus;
  /** Start stopping the daemon (returns at once). */
  requestStop(reason: string): void;
  /** Log one structured line. */
  log(level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>): void;
}

/** One method: named parameters in, a JSON-able result out; throws `RpcError`s. */
export type Method = (
  env: MethodEnv,
  params: Readonly<Record<string, unknown>>,
) => unknown | Promise<unknown>;
