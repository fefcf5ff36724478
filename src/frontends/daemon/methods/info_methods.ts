/**
 * `daemon.status`, `daemon.stop`, and the read-only views a client shows:
 * `session.budget`, `session.allowances`, `audit.recent`. Each is limited to
 * the caller's own principal.
 *
 * @module
 */

import type { AuditEntry } from "../../../security/mod.ts";
import { microsToUsd } from "../../../security/mod.ts";
import { listAuditEntries } from "../../../storage/mod.ts";
import type { Method } from "../method_env.ts";
import { optionalInt, optionalString, requireString } from "../params.ts";
import { owned } from "./session_methods.ts";

/** Most audit entries one `audit.recent` returns. */
export const MAX_AUDIT_ENTRIES = 500;

/** The status and view methods. */
export const INFO_METHODS: Readonly<Record<string, Method>> = {
  "daemon.status": (env) => env.status(),

  "daemon.stop": (env) => {
    env.log("info", "stop requested", { client: env.caller.id });
    env.requestStop(`requested by ${env.caller.client}/${env.caller.id}`);
    return { stopping: true };
  },

  "session.budget": async (env, p) => {
    const sid = requireString(p, "sessionId");
    const meta = await owned(env, sid);
    const b = await env.rt.store.budgetOf(sid, env.rt.workspace);
    const limits = env.rt.config.budget;
    return {
      sessionId: sid,
      /** Model usage of the session and its sub-agents. */
      llmSpentUsd: microsToUsd(meta.spentMicros),
      sessionLimitUsd: limits.session_usd,
      actionLimitUsd: limits.action_usd,
      actions: {
        spentUsd: microsToUsd(b.session.spentMicros),
        reservedUsd: microsToUsd(b.session.reservedMicros),
      },
      workspace: {
        spentUsd: microsToUsd(b.workspace.spentMicros),
        reservedUsd: microsToUsd(b.workspace.reservedMicros),
        limitUsd: limits.workspace_usd ?? null,
      },
    };
  },

  "session.allowances": async (env, p) => {
    const sid = requireString(p, "sessionId");
    await owned(env, sid);
    const state = await env.rt.store.readState(sid, env.rt.workspace);
    const now = env.clock.now();
    const all = (await env.rt.tokens.store.list()).filter((t) =>
      t.principal === env.caller.principal && t.expiresAt > now &&
      (t.scope === "persistent" || t.sessionId === sid)
    );
    const ids = all.map((t) => t.id);
    const [revoked, used] = await Promise.all([
      env.rt.tokens.store.revokedIds(ids),
      env.rt.tokens.store.consumedIds(ids),
    ]);
    const tokens = all.filter((t) => !revoked.has(t.id) && !used.has(t.id)).map((t) => ({
      id: t.id,
      resource: t.resource,
      permissions: t.permissions,
      scope: t.scope,
      expiresAt: t.expiresAt,
      singleUse: t.singleUse,
    }));
    return { sessionId: sid, allowances: state.allowances, tokens };
  },

  "audit.recent": async (env, p) => {
    const sid = optionalString(p, "sessionId");
    const limit = optionalInt(p, "limit", { min: 1, max: MAX_AUDIT_ENTRIES }, 50);
    if (sid !== undefined) await owned(env, sid);
    const entries: AuditEntry[] = [];
    const filter = { newestFirst: true, ...(sid !== undefined ? { sessionId: sid } : {}) };
    for await (const e of listAuditEntries(env.rt.kv, filter)) {
      if (e.principal !== env.caller.principal) continue;
      entries.push(e);
      if (entries.length >= limit) break;
    }
    return { entries };
  },
};
