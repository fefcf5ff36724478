/**
 * Append one audit entry inside a batch job, so a decision's budget writes and
 * its audit entry commit together (or not at all).
 *
 * @module
 */

import { AstridError, type Clock, type Random, randomId } from "../../core/mod.ts";
import {
  type AuditDraft,
  type AuditEntry,
  GENESIS_HASH,
  sealAuditEntry,
  signCheckpoint,
} from "../../security/audit/mod.ts";
import type { Signer } from "../../security/keyring.ts";
import type { BatchTx } from "../kv_batch.ts";
import {
  AUDIT_HEAD_KEY,
  auditCheckpointKey,
  auditEntryKey,
  auditSessionKey,
} from "./audit_keys.ts";

/** What an append needs besides the draft. */
export interface AuditAppendContext {
  readonly clock: Clock;
  readonly random: Random;
  /** Signs the chain head (once per commit) and the periodic checkpoints. */
  readonly signer: Signer;
  /** Keep a signed checkpoint every this many entries. Default 1000. */
  readonly checkpointEvery?: number;
}

/** Name of the once-per-commit hook that signs the head. */
const SIGN_HEAD = "astrid.audit.sign_head";

/**
 * Append `draft` as the next entry of the chain, through `tx`.
 *
 * Reads the head `["audit","head"]` through the batch overlay (so several
 * appends in one batch chain one after another, and the commit `check`s the
 * head: two processes appending to one file still make one linear chain, the
 * loser of a race is rebuilt on the new head). Writes the entry, its session
 * index row and the new head; a `beforeCommit` hook signs the final head once
 * per commit. The entry id is `<seq>-<32 random hex digits>`. Resolves with the entry as it will be committed
 * (only durable once the batch job's promise resolves).
 */
export async function appendAuditEntry(
  tx: BatchTx,
  draft: AuditDraft,
  ctx: AuditAppendContext,
): Promise<AuditEntry> {
  const head = headPosition(await tx.get(AUDIT_HEAD_KEY));
  const time = ctx.clock.now();
  const seq = head.seq + 1;
  const { entry, stored } = sealAuditEntry(draft, {
    seq,
    prevHash: head.hash,
    // The id starts with the seq, so finding an entry by id needs no index row
    // (one row less per commit); the random part keeps ids unique across logs.
    id: `${seq}-${randomId(ctx.random)}`,
    time,
  });
  tx.set(auditEntryKey(entry.seq), stored);
  tx.set(auditSessionKey(entry.sessionId, entry.seq), entry.hash);
  // Unsigned until the hook below signs it; only this batch ever sees it so.
  tx.set(AUDIT_HEAD_KEY, { seq: entry.seq, hash: entry.hash });
  const every = ctx.checkpointEvery ?? 1000;
  if (!Number.isSafeInteger(every) || every < 1) {
    throw new RangeError(`checkpointEvery must be a positive integer, got ${every}`);
  }
  if (entry.seq % every === 0) {
    tx.set(
      auditCheckpointKey(entry.seq),
      signCheckpoint(ctx.signer, { seq: entry.seq, hash: entry.hash, time }),
    );
  }
  tx.beforeCommit(SIGN_HEAD, async (h) => {
    const last = headPosition(await h.get(AUDIT_HEAD_KEY));
    h.set(AUDIT_HEAD_KEY, signCheckpoint(ctx.signer, { ...last, time: ctx.clock.now() }));
  });
  return entry;
}

/** Position of the chain head as stored (or pending in this batch). */
function headPosition(value: unknown): { seq: number; hash: string } {
  if (value === null || value === undefined) return { seq: 0, hash: GENESIS_HASH };
  const v = value as { seq?: unknown; hash?: unknown };
  if (
    typeof v === "object" && Number.isSafeInteger(v.seq) && (v.seq as number) >= 1 &&
    typeof v.hash === "string" && /^[0-9a-f]{64}$/.test(v.hash)
  ) {
    return { seq: v.seq as number, hash: v.hash };
  }
  throw new AstridError(
    "AUDIT_CHAIN_BROKEN",
    `Cannot append to the audit log: the chain head at ["audit","head"] is malformed (expected a positive seq and a 64-hex-digit hash, got ${
      JSON.stringify(value).slice(0, 120)
    }); run 'astrid audit verify'`,
  );
}
