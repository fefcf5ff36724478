/**
 * A session as clients see it: the stored meta without internals (scope
 * roots, summary indexes), spending in USD, and whether a turn is running in
 * this daemon.
 *
 * @module
 */

import { microsToUsd } from "../../../security/mod.ts";
import type { SessionMeta } from "../../../storage/mod.ts";
import type { SessionHub } from "../session_hub.ts";

/** What `session.*` methods return for a session. */
export interface SessionView {
  readonly id: string;
  readonly title?: string;
  readonly label: string;
  readonly parentSessionId?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly turnCount: number;
  readonly messageCount: number;
  readonly spentUsd: number;
  /** The turn running in this daemon, if any. */
  readonly runningTurnId?: string;
  /** Clients attached right now. */
  readonly clients: number;
  readonly lastTurn?: { readonly no: number; readonly status: string; readonly endedAt?: number };
}

/** Project `meta` for the wire. */
export function sessionView(meta: SessionMeta, hub: SessionHub): SessionView {
  const live = hub.get(meta.id);
  const last = meta.lastTurn;
  return {
    id: meta.id,
    ...(meta.title !== undefined ? { title: meta.title } : {}),
    label: meta.label,
    ...(meta.parentSessionId !== undefined ? { parentSessionId: meta.parentSessionId } : {}),
    createdAt: meta.createdAt,
    updatedAt: meta.updatedAt,
    turnCount: meta.turnCount,
    messageCount: meta.messageCount,
    spentUsd: microsToUsd(meta.spentMicros),
    ...(live?.turn !== undefined ? { runningTurnId: live.turn.turnId } : {}),
    clients: live?.clients.size ?? 0,
    ...(last !== undefined
      ? {
        lastTurn: {
          no: last.no,
          status: last.status,
          ...(last.endedAt !== undefined ? { endedAt: last.endedAt } : {}),
        },
      }
      : {}),
  };
}
