/**
 * A broken audit chain refuses risky actions until a human acknowledges it
 * (`astrid audit verify --acknowledge`). The acknowledgement names the break
 * it covers, so a new or different break needs a new acknowledgement.
 *
 * @module
 */

import type { ChainVerdict } from "../security/audit/mod.ts";

/** Where the acknowledgement is kept. */
export const AUDIT_ACK_KEY: Deno.KvKey = ["audit", "meta", "ack"];

/** What an acknowledgement records. */
export interface AuditAck {
  readonly seq: number | null;
  readonly problem: string;
  readonly length: number;
  readonly by: string;
  readonly at: number;
}

/** True when a human acknowledged exactly this break. */
export async function auditAcknowledged(kv: Deno.Kv, verdict: ChainVerdict): Promise<boolean> {
  if (verdict.intact) return true;
  const ack = (await kv.get<AuditAck>(AUDIT_ACK_KEY)).value;
  // Entries appended after the acknowledgement do not re-open it; a break at
  // another place (or of another kind) does.
  return ack !== null && ack.seq === (verdict.seq ?? null) && ack.problem === verdict.problem;
}

/** Record that `by` acknowledged this break. */
export async function acknowledgeAudit(
  kv: Deno.Kv,
  verdict: ChainVerdict,
  by: string,
  at: number,
): Promise<void> {
  if (verdict.intact) return;
  const ack: AuditAck = {
    seq: verdict.seq ?? null,
    problem: verdict.problem,
    length: verdict.length,
    by,
    at,
  };
  await kv.set(AUDIT_ACK_KEY, ack);
}
