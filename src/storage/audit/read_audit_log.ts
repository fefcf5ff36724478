/**
 * Reading the audit log: one entry, the head, filtered listings.
 *
 * @module
 */

import { ACTION_KINDS, type ActionKind } from "../../security/action.ts";
import {
  AUDIT_KINDS,
  type AuditCheckpoint,
  type AuditEntry,
  type AuditKind,
  decodeAuditEntry,
  parseCheckpoint,
} from "../../security/audit/mod.ts";
import {
  AUDIT_ENTRY_PREFIX,
  AUDIT_HEAD_KEY,
  AUDIT_SESSION_PREFIX,
  auditEntryKey,
} from "./audit_keys.ts";

/** The signed head, `undefined` for an empty log; throws `SyntaxError` if malformed. */
export async function readAuditHead(kv: Deno.Kv): Promise<AuditCheckpoint | undefined> {
  const v = (await kv.get(AUDIT_HEAD_KEY)).value;
  if (v === null) return undefined;
  const h = parseCheckpoint(v);
  if ("malformed" in h) throw new SyntaxError(`The audit chain head is malformed: ${h.malformed}`);
  return h;
}

/** Entry by seq (a number) or id (a string, `<seq>-<hex>`); `undefined` if there is none. */
export async function getAuditEntry(
  kv: Deno.Kv,
  ref: number | string,
): Promise<AuditEntry | undefined> {
  const seq = typeof ref === "number" ? ref : Number(/^([1-9][0-9]{0,15})-/.exec(ref)?.[1]);
  if (!Number.isSafeInteger(seq)) return undefined;
  const v = (await kv.get(auditEntryKey(seq))).value;
  if (!(v instanceof Uint8Array)) return undefined;
  const e = decodeAuditEntry(v);
  return typeof ref === "string" && e.id !== ref ? undefined : e;
}

/** Which entries to list. Every field is optional; they combine with AND. */
export interface AuditFilter {
  readonly sessionId?: string;
  readonly decision?: string;
  /** An entry kind (`decision`, `outcome`, `event`) or an action kind (`file_write`, ...). */
  readonly kind?: AuditKind | ActionKind;
  /** Inclusive lower bound on `time` (ms since the epoch). */
  readonly since?: number;
  /** Exclusive upper bound on `time`. */
  readonly until?: number;
  /** At most this many entries. */
  readonly limit?: number;
  /** Newest first (default oldest first). */
  readonly newestFirst?: boolean;
}

/** True when `kind` is a valid value for {@link AuditFilter.kind}. */
export function isAuditFilterKind(kind: string): kind is AuditKind | ActionKind {
  return (AUDIT_KINDS as readonly string[]).includes(kind) ||
    (ACTION_KINDS as readonly string[]).includes(kind);
}

/** Entries matching `filter`, in chain order (or newest first). */
export async function* listAuditEntries(
  kv: Deno.Kv,
  filter: AuditFilter = {},
): AsyncGenerator<AuditEntry> {
  const limit = filter.limit ?? Infinity;
  if (limit <= 0) return;
  let n = 0;
  const reverse = filter.newestFirst ?? false;
  for await (const e of scan(kv, filter.sessionId, reverse)) {
    if (!matches(e, filter)) continue;
    yield e;
    if (++n >= limit) return;
  }
}

async function* scan(
  kv: Deno.Kv,
  sessionId: string | undefined,
  reverse: boolean,
): AsyncGenerator<AuditEntry> {
  if (sessionId === undefined) {
    for await (
      const r of kv.list<Uint8Array>({ prefix: AUDIT_ENTRY_PREFIX }, { reverse, batchSize: 500 })
    ) {
      if (r.value instanceof Uint8Array) yield decodeAuditEntry(r.value);
    }
    return;
  }
  // The session index gives the seqs; fetch the entries ten at a time.
  let seqs: number[] = [];
  const flush = async function* () {
    const got = await kv.getMany<Uint8Array[]>(seqs.map((s) => auditEntryKey(s)));
    seqs = [];
    for (const g of got) if (g.value instanceof Uint8Array) yield decodeAuditEntry(g.value);
  };
  for await (
    const r of kv.list({ prefix: [...AUDIT_SESSION_PREFIX, sessionId] }, {
      reverse,
      batchSize: 500,
    })
  ) {
    const seq = r.key[3];
    if (typeof seq !== "number") continue;
    seqs.push(seq);
    if (seqs.length === 10) yield* flush();
  }
  if (seqs.length > 0) yield* flush();
}

function matches(e: AuditEntry, f: AuditFilter): boolean {
  if (f.sessionId !== undefined && e.sessionId !== f.sessionId) return false;
  if (f.decision !== undefined && e.decision !== f.decision) return false;
  if (f.since !== undefined && e.time < f.since) return false;
  if (f.until !== undefined && e.time >= f.until) return false;
  if (f.kind !== undefined && e.kind !== f.kind && !actionKinds(e).includes(f.kind)) return false;
  return true;
}

/** The action kinds an entry records (none when the action was omitted as a digest). */
export function actionKinds(e: AuditEntry): string[] {
  const a = e.action;
  const list = Array.isArray(a) ? a : a === undefined ? [] : [a];
  const out: string[] = [];
  for (const x of list) {
    if (x && typeof x === "object" && !Array.isArray(x) && typeof x.kind === "string") {
      out.push(x.kind);
    }
  }
  return out;
}
