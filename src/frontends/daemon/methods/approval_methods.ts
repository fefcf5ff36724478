/**
 * `approval.answer` and `approval.pending`. The first answer to a live
 * request resolves it for every client of the session; any later answer is
 * refused with `approvalAnswered` and told who answered first.
 *
 * @module
 */

import { APPROVAL_DECISIONS } from "../../../security/mod.ts";
import type { Method } from "../method_env.ts";
import { optionalString, requireOneOf, requireString } from "../params.ts";
import { RPC_ERRORS, RpcError } from "../protocol.ts";
import { owned } from "./session_methods.ts";

/** The approval methods. */
export const APPROVAL_METHODS: Readonly<Record<string, Method>> = {
  "approval.answer": (env, p) => {
    const id = requireString(p, "requestId");
    const decision = requireOneOf(p, "decision", APPROVAL_DECISIONS);
    const by = `${env.caller.client}/${env.caller.id}`;
    const out = env.desk.answer(id, env.caller.principal, decision, by);
    switch (out.kind) {
      case "answered":
        env.log("info", "approval answered", { requestId: id, decision, by });
        return { answered: true, requestId: id, decision };
      case "already_answered":
        throw new RpcError(
          RPC_ERRORS.approvalAnswered,
          `Approval request "${id}" was already answered: ${out.decision} by ${out.answeredBy}`,
          { decision: out.decision, answeredBy: out.answeredBy },
        );
      case "withdrawn":
        throw new RpcError(
          RPC_ERRORS.approvalAnswered,
          `Approval request "${id}" is no longer waiting: ${out.reason}`,
          { reason: out.reason },
        );
      case "unknown":
        throw new RpcError(
          RPC_ERRORS.approvalAnswered,
          `No approval request "${id}" is waiting for an answer`,
        );
    }
  },

  "approval.pending": async (env, p) => {
    const sid = optionalString(p, "sessionId");
    if (sid !== undefined) await owned(env, sid);
    const principal = env.caller.principal;
    const live = env.desk.pending(principal, sid);
    const queued = (await env.rt.store.listQueued()).filter((q) =>
      q.request.principal === principal && (sid === undefined || q.request.sessionId === sid)
    );
    return { live, queued };
  },
};
