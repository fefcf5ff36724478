/**
 * Picking a session up after its process died in the middle of a turn
 * (`kill -9`, a crash, a power cut). Everything that completed is on disk;
 * what was in flight is closed honestly:
 *
 * - each tool call recorded without a result gets an `interrupted` result
 *   ("it may or may not have taken effect"), so the model is told rather
 *   than left to guess, and the history is well-formed again;
 * - each allowed decision in the audit log without an outcome gets an
 *   outcome entry saying it was interrupted (and its reservation, if any, is
 *   settled by the store);
 * - the turn is marked interrupted; sub-agent sessions are repaired first.
 *
 * The caller must be the only process driving the session (the daemon, on
 * start): a session whose process is still running must not be resumed.
 *
 * @module
 */

import type { AuditEntry } from "../../security/mod.ts";
import { listAuditEntries, type SessionMeta } from "../../storage/mod.ts";
import { loadConversation } from "./load_session.ts";
import { openCalls, type RecordBody } from "./session_record.ts";
import { SessionWriter } from "./session_writer.ts";
import type { HostDeps } from "./turn_env.ts";

/** What `resume` repaired. */
export interface ResumeReport {
  readonly sessionId: string;
  /** Tool calls given an `interrupted` result. */
  readonly interruptedCalls: readonly string[];
  /** Allowed decisions given an `interrupted` outcome in the audit log. */
  readonly closedDecisions: number;
  /** True when a turn was in progress. */
  readonly hadActiveTurn: boolean;
  readonly subagents: readonly ResumeReport[];
}

/** The content of an `interrupted` result. */
export const INTERRUPTED_NOTE =
  "Interrupted: the runtime stopped (crash or kill) before this call finished. It may or may " +
  "not have taken effect: check before repeating it.";

/** Repair `meta`'s session and its sub-agents' sessions. */
export async function resumeSession(
  host: HostDeps,
  meta: SessionMeta,
  principal: string,
): Promise<ResumeReport> {
  const { rt, sessions } = host;
  const subagents: ResumeReport[] = [];
  for (const childId of await sessions.children(meta.id)) {
    const child = await sessions.get(childId);
    if (child?.activeTurn) subagents.push(await resumeSession(host, child, principal));
  }
  const active = meta.activeTurn;
  const { bodies } = await loadConversation(sessions, meta);
  const open = openCalls(bodies.map((b) => b.body));
  const unfinished = active ? await openDecisions(rt.kv, meta.id) : [];
  if (!active && open.length === 0) {
    return {
      sessionId: meta.id,
      interruptedCalls: [],
      closedDecisions: 0,
      hadActiveTurn: false,
      subagents,
    };
  }
  const now = host.clock.now();
  const turn = active?.no ?? meta.turnCount;
  const results: RecordBody[] = open.map((c) => ({
    kind: "tool_result",
    callId: c.id,
    toolName: c.name,
    source: "runtime",
    content: INTERRUPTED_NOTE,
    status: "interrupted",
  }));
  const writer = new SessionWriter(sessions, meta.id, meta.messageCount);
  const ctx = { sessionId: meta.id, principal, workspaceKey: rt.workspace };
  // One tick: the records, the outcomes and the event share a commit.
  await Promise.all([
    writer.append(results.map((body) => ({ turn, at: now, body })), (m) => {
      const { activeTurn, ...rest } = m;
      return activeTurn
        ? {
          ...rest,
          lastTurn: {
            ...activeTurn,
            status: "interrupted",
            endedAt: now,
            error: "the process stopped",
          },
        }
        : rest;
    }),
    ...unfinished.map((e) =>
      rt.interceptor.complete(
        {
          kind: "allow",
          entry: { id: e.id, seq: e.seq, hash: e.hash },
          actionHash: String(e.detail?.["actionHash"] ?? ""),
          via: "mode",
        },
        ctx,
        { ok: false, error: "interrupted: the process stopped before the call finished" },
      )
    ),
    rt.audit.append({
      sessionId: meta.id,
      principal,
      kind: "event",
      summary:
        `Session resumed after an interrupted turn: ${open.length} call(s) marked interrupted`,
      detail: {
        type: "session_interrupted",
        turn,
        interruptedCalls: open.map((c) => c.id),
        closedDecisions: unfinished.map((e) => e.id),
      },
    }),
  ]);
  return {
    sessionId: meta.id,
    interruptedCalls: open.map((c) => c.id),
    closedDecisions: unfinished.length,
    hadActiveTurn: active !== undefined,
    subagents,
  };
}

/** Allowed decisions of the session that have no outcome entry. */
async function openDecisions(kv: Deno.Kv, sessionId: string): Promise<AuditEntry[]> {
  const allowed = new Map<string, AuditEntry>();
  const finished = new Set<string>();
  for await (const e of listAuditEntries(kv, { sessionId })) {
    if (e.kind === "decision" && e.decision === "allow" && e.detail?.["queued"] !== true) {
      allowed.set(e.id, e);
    }
    if (e.kind === "outcome" && e.links?.decisionId) finished.add(e.links.decisionId);
  }
  return [...allowed.values()].filter((e) => !finished.has(e.id));
}
