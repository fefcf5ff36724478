/**
 * `turn.send` and `turn.cancel`. A turn's events stream to every client of
 * the session as `turn.event` notifications; `turn.send` answers with the
 * turn id as soon as the user's message is recorded, and the turn ends with
 * a `turn_complete` event.
 *
 * @module
 */

import { daemonFrontend } from "../daemon_frontend.ts";
import type { Method } from "../method_env.ts";
import { optionalString, requireString } from "../params.ts";
import { RPC_ERRORS, RpcError } from "../protocol.ts";
import { aboutSession } from "../runtime_errors.ts";
import { owned } from "./session_methods.ts";

/** Longest user message accepted, in characters. */
export const MAX_INPUT_CHARS = 1_000_000;

/** The turn methods. */
export const TURN_METHODS: Readonly<Record<string, Method>> = {
  "turn.send": async (env, p) => {
    const sid = requireString(p, "sessionId");
    const text = requireString(p, "text", MAX_INPUT_CHARS);
    const principal = env.caller.principal;
    await owned(env, sid);
    if (!env.hub.claim(sid)) {
      throw new RpcError(RPC_ERRORS.sessionBusy, `Session "${sid}" is already running a turn`);
    }
    try {
      env.hub.attach(sid, principal, env.caller);
      const frontend = daemonFrontend(env.hub, env.desk, sid, principal);
      const handle = await aboutSession(
        sid,
        () => env.host.startTurn({ sessionId: sid, principal, text, frontend }),
      );
      const turnId = handle.turnId;
      env.hub.setTurn(sid, principal, {
        turnId,
        cancel: (r) => handle.cancel(r),
        done: handle.done,
      });
      void handle.done.then((r) => {
        env.hub.clearTurn(sid, turnId);
        env.log("info", "turn ended", { sessionId: sid, turnId, status: r.status });
      });
      env.log("info", "turn started", { sessionId: sid, turnId, client: env.caller.id });
      return { turnId };
    } finally {
      env.hub.release(sid);
    }
  },

  "turn.cancel": async (env, p) => {
    const sid = requireString(p, "sessionId");
    const reason = optionalString(p, "reason", 500) ?? `cancelled by ${env.caller.client}`;
    await owned(env, sid);
    const turn = env.hub.get(sid)?.turn;
    if (turn === undefined) return { cancelled: false };
    turn.cancel(reason);
    return { cancelled: true, turnId: turn.turnId };
  },
};
