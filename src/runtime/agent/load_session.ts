/**
 * Reading a session back: the owner check every entry point makes, and the
 * records after the latest summary, validated.
 *
 * @module
 */

import { AstridError } from "../../core/mod.ts";
import type { KvSessionStore, SessionMeta, StoredRecord } from "../../storage/mod.ts";
import { type IndexedBody, parseRecordBody, type RecordBody } from "./session_record.ts";

/**
 * The session, if `principal` owns it and it belongs to `workspace`.
 * `NOT_FOUND`, `SESSION_FORBIDDEN` (another principal's session: it may be
 * neither read nor acted in) or `SESSION_WORKSPACE_MISMATCH` otherwise.
 */
export async function openOwnedSession(
  sessions: KvSessionStore,
  sessionId: string,
  principal: string,
  workspace: string,
): Promise<SessionMeta> {
  const meta = await sessions.get(sessionId);
  if (meta === undefined) throw new AstridError("NOT_FOUND", `No session "${sessionId}"`);
  if (meta.principal !== principal) {
    throw new AstridError(
      "SESSION_FORBIDDEN",
      `Session "${sessionId}" belongs to another principal: "${principal}" may not read or act in it`,
    );
  }
  if (meta.workspace !== workspace) {
    throw new AstridError(
      "SESSION_WORKSPACE_MISMATCH",
      `Session "${sessionId}" belongs to workspace "${meta.workspace}", not "${workspace}"`,
    );
  }
  return meta;
}

/** Every record of a session, validated. */
export async function loadRecords(
  sessions: KvSessionStore,
  sessionId: string,
  from = 0,
): Promise<StoredRecord<RecordBody>[]> {
  const records = await sessions.records(sessionId, from);
  return records.map((r) => ({ ...r, body: parseRecordBody(r.body, `${sessionId}#${r.index}`) }));
}

/** The latest summary's text and the records after it (the summary record itself excluded). */
export async function loadConversation(
  sessions: KvSessionStore,
  meta: SessionMeta,
): Promise<{ summary: string | undefined; bodies: IndexedBody[] }> {
  const from = meta.summary ? meta.summary.throughIndex + 1 : 0;
  const records = await loadRecords(sessions, meta.id, from);
  let summary: string | undefined;
  const bodies: IndexedBody[] = [];
  for (const r of records) {
    if (r.body.kind === "summary") {
      if (r.index === meta.summary?.recordIndex) summary = r.body.text;
      continue;
    }
    bodies.push({ index: r.index, body: r.body });
  }
  if (meta.summary && summary === undefined) {
    throw new SyntaxError(
      `Session "${meta.id}" is damaged: its summary record ${meta.summary.recordIndex} is missing`,
    );
  }
  return { summary, bodies };
}
