/**
 * Counts over the whole log for `astrid audit stats`.
 *
 * @module
 */

import type { AuditCheckpoint } from "../../security/audit/mod.ts";
import { AUDIT_LAST_VERIFY_KEY, type LastVerify } from "./audit_keys.ts";
import { actionKinds, listAuditEntries, readAuditHead } from "./read_audit_log.ts";

/** What `audit stats` reports. */
export interface AuditStats {
  /** Entries in the log. */
  readonly length: number;
  readonly head: AuditCheckpoint | undefined;
  readonly byDecision: Record<string, number>;
  /** By entry kind (`decision`, `outcome`, `event`). */
  readonly byKind: Record<string, number>;
  readonly byActionKind: Record<string, number>;
  readonly bySession: Record<string, number>;
  readonly firstTime?: number;
  readonly lastTime?: number;
  readonly lastVerify: LastVerify | undefined;
}

/** Scan every entry once and count. */
export async function auditStats(kv: Deno.Kv): Promise<AuditStats> {
  // Maps, not objects: a session may well be called "__proto__".
  const byDecision = new Map<string, number>();
  const byKind = new Map<string, number>();
  const byActionKind = new Map<string, number>();
  const bySession = new Map<string, number>();
  let length = 0;
  let firstTime: number | undefined;
  let lastTime: number | undefined;
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for await (const e of listAuditEntries(kv)) {
    length++;
    firstTime ??= e.time;
    lastTime = e.time;
    bump(byDecision, e.decision ?? "(none)");
    bump(byKind, e.kind);
    bump(bySession, e.sessionId);
    for (const k of actionKinds(e)) bump(byActionKind, k);
  }
  const lastVerify = (await kv.get<LastVerify>(AUDIT_LAST_VERIFY_KEY)).value ?? undefined;
  return {
    length,
    head: await readAuditHead(kv),
    byDecision: Object.fromEntries(byDecision),
    byKind: Object.fromEntries(byKind),
    byActionKind: Object.fromEntries(byActionKind),
    bySession: Object.fromEntries(bySession),
    firstTime,
    lastTime,
    lastVerify,
  };
}
