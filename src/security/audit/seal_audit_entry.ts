/**
 * Turn a draft into a sealed entry at a given place in the chain: validate,
 * compact, encode, hash. Pure: the caller supplies seq, link, id and time.
 *
 * @module
 */

import type { JsonValue } from "../../core/mod.ts";
import { AUDIT_KINDS, type AuditDraft, type AuditEntry } from "./audit_entry.ts";
import { clipStrings, clipText, compactAction, digestJson } from "./compact_action.ts";
import {
  encodeAuditEntry,
  hashAuditEncoding,
  storedAuditEntry,
  type UnsealedAuditEntry,
} from "./encode_audit_entry.ts";

/** Where an entry goes and what the log assigns to it. */
export interface EntryPlacement {
  readonly seq: number;
  readonly prevHash: string;
  readonly id: string;
  readonly time: number;
}

/**
 * Largest stored entry, in bytes. Deno KV allows 64 KiB per value; staying
 * well below leaves room for many entries per group commit (819,200 bytes).
 */
export const MAX_STORED_ENTRY = 32_768;

const MAX_NAME = 256;

/**
 * Seal `draft` at `at`. Large action strings become digests and long text is
 * clipped; if the entry is still over {@link MAX_STORED_ENTRY} the whole action,
 * then `detail`, are replaced by digests of their canonical JSON, and at last
 * every string is clipped to 256 characters. Throws
 * `TypeError`/`RangeError` on a draft that cannot be recorded faithfully.
 */
export function sealAuditEntry(
  draft: AuditDraft,
  at: EntryPlacement,
): { entry: AuditEntry; stored: Uint8Array } {
  checkName("sessionId", draft.sessionId);
  checkName("principal", draft.principal);
  if (!AUDIT_KINDS.includes(draft.kind)) {
    throw new TypeError(
      `Cannot record audit entry: kind "${draft.kind}" is not one of ${AUDIT_KINDS.join(", ")}`,
    );
  }
  if (draft.decision !== undefined) checkName("decision", draft.decision);
  if (draft.stage !== undefined) checkName("stage", draft.stage);
  if (!/^[0-9a-zA-Z_-]{1,64}$/.test(at.id)) {
    throw new TypeError(`Cannot record audit entry: id "${at.id}" is not 1-64 [0-9a-zA-Z_-]`);
  }
  if (!Number.isFinite(at.time)) {
    throw new RangeError(`Cannot record audit entry: time ${at.time} is not finite`);
  }

  let unsealed: UnsealedAuditEntry = {
    seq: at.seq,
    prevHash: at.prevHash,
    id: at.id,
    time: at.time,
    sessionId: draft.sessionId,
    principal: draft.principal,
    kind: draft.kind,
    action: draft.action === undefined ? undefined : compactAction(draft.action),
    summary: draft.summary === undefined ? undefined : clipText(draft.summary, 1024),
    decision: draft.decision,
    stage: draft.stage,
    proof: draft.proof === undefined ? undefined : clipStrings(draft.proof),
    outcome: draft.outcome === undefined ? undefined : clipStrings(draft.outcome),
    links: draft.links === undefined ? undefined : clipStrings(draft.links, MAX_NAME),
    detail: draft.detail === undefined ? undefined : clipStrings(draft.detail),
  };
  let encoding = encodeAuditEntry(unsealed);
  // Still too big (many medium strings): keep digests of the bulky parts.
  for (const field of ["action", "detail"] as const) {
    if (encoding.length + 65 <= MAX_STORED_ENTRY || unsealed[field] === undefined) continue;
    const digest: JsonValue = { ...digestJson(unsealed[field]), omitted: true };
    unsealed = { ...unsealed, [field]: field === "detail" ? { digest } : digest };
    encoding = encodeAuditEntry(unsealed);
  }
  if (encoding.length + 65 > MAX_STORED_ENTRY) {
    unsealed = clipStrings(unsealed, 256);
    encoding = encodeAuditEntry(unsealed);
  }
  if (encoding.length + 65 > MAX_STORED_ENTRY) {
    throw new RangeError(
      `Cannot record audit entry: ${
        encoding.length + 65
      } bytes after compaction, the limit is ${MAX_STORED_ENTRY}`,
    );
  }
  const hash = hashAuditEncoding(encoding);
  return { entry: { ...dropUndefined(unsealed), hash }, stored: storedAuditEntry(hash, encoding) };
}

function checkName(field: string, v: unknown): void {
  if (typeof v !== "string" || v.length === 0 || v.length > MAX_NAME) {
    throw new TypeError(
      `Cannot record audit entry: ${field} must be a string of 1-${MAX_NAME} characters, got ${
        typeof v === "string" ? `${v.length} characters` : typeof v
      }`,
    );
  }
}

function dropUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
