/**
 * `session.*`: create, resume (attach, and repair a turn a dead process left
 * open), list, history, detach and end. A caller only ever sees its own
 * principal's sessions; anyone else's answer `sessionNotFound`.
 *
 * @module
 */

import { AstridError } from "../../../core/mod.ts";
import type { Method, MethodEnv } from "../method_env.ts";
import { optionalBool, optionalInt, optionalString, requireString } from "../params.ts";
import { aboutSession } from "../runtime_errors.ts";
import { sessionView } from "./session_view.ts";

/** Notification to a session's clients when it is ended. */
export const SESSION_ENDED = "session.ended";

/** The session methods. */
export const SESSION_METHODS: Readonly<Record<string, Method>> = {
  "session.create": async (env, p) => {
    const title = optionalString(p, "title", 200);
    const meta = await env.host.createSession({
      principal: env.caller.principal,
      ...(title !== undefined ? { title } : {}),
    });
    env.hub.attach(meta.id, meta.principal, env.caller);
    env.log("info", "session created", { sessionId: meta.id, client: env.caller.id });
    return { session: sessionView(meta, env.hub) };
  },

  "session.resume": async (env, p) => {
    const sid = requireString(p, "sessionId");
    const principal = env.caller.principal;
    let meta = await owned(env, sid);
    let repaired: unknown;
    if (meta.activeTurn !== undefined && env.hub.get(sid)?.turn === undefined) {
      // A turn left open by a process that died (kill -9, crash): close it honestly first.
      try {
        repaired = await env.host.resume(sid, principal);
        meta = await owned(env, sid);
        env.log("info", "session repaired after an interrupted turn", { sessionId: sid });
      } catch (e) {
        if (!(e instanceof AstridError && e.code === "SESSION_CONFLICT")) throw e;
      }
    }
    env.hub.attach(sid, principal, env.caller);
    env.desk.replay(sid, env.caller);
    return {
      session: sessionView(meta, env.hub),
      ...(repaired !== undefined ? { repaired } : {}),
    };
  },

  "session.list": async (env) => {
    const metas = await env.host.listSessions(env.caller.principal);
    return { sessions: metas.map((m) => sessionView(m, env.hub)) };
  },

  "session.history": async (env, p) => {
    const sid = requireString(p, "sessionId");
    const from = optionalInt(p, "from", { min: 0, max: Number.MAX_SAFE_INTEGER }, 0);
    const records = await aboutSession(sid, () => env.host.history(sid, env.caller.principal));
    return { records: records.filter((r) => r.index >= from) };
  },

  "session.detach": (env, p) => {
    const sid = requireString(p, "sessionId");
    return { detached: env.hub.detach(sid, env.caller) };
  },

  "session.end": async (env, p) => {
    const sid = requireString(p, "sessionId");
    const remove = optionalBool(p, "delete");
    await owned(env, sid);
    const live = env.hub.get(sid);
    if (live?.turn !== undefined) {
      live.turn.cancel(`session ended by ${env.caller.client}`);
      await live.turn.done;
    }
    env.hub.broadcast(sid, SESSION_ENDED, { sessionId: sid, by: env.caller.client });
    for (const c of [...(env.hub.get(sid)?.clients ?? [])]) env.hub.detach(sid, c);
    const deleted = remove
      ? await aboutSession(sid, () => env.host.deleteSession(sid, env.caller.principal))
      : [];
    env.log("info", "session ended", { sessionId: sid, deleted: remove });
    return { ended: true, deleted };
  },
};

/** The caller's session `sid`, or `sessionNotFound`. */
export function owned(env: MethodEnv, sid: string) {
  return aboutSession(sid, () => env.host.openSession(sid, env.caller.principal));
}
