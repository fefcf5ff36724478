/**
 * `audit verify` over Deno KV: stream the stored entries into the pure
 * {@link ChainVerifier}, then check the head and checkpoints.
 *
 * Consistency without a snapshot (KV `list` is not one): entries are scanned
 * first, checkpoints listed next and the head read last. An append commits its
 * entry and the new head together, so every entry scanned is at or below the
 * head read afterwards; if appends landed during the scan, the entries between
 * the last one scanned and the head are read in a second pass. What remains
 * (an entry above the head, a head above the last entry, a checkpoint above
 * the head) cannot come from a concurrent append and is reported.
 *
 * @module
 */

import type { Clock } from "../../core/mod.ts";
import {
  type ChainPoint,
  type ChainVerdict,
  ChainVerifier,
  type TrustedKeyLookup,
} from "../../security/audit/mod.ts";
import { type Keyring, trustedPublicKey } from "../../security/keyring.ts";
import { retryWhileBusy } from "../kv_retry.ts";
import {
  AUDIT_CHECKPOINT_PREFIX,
  AUDIT_ENTRY_PREFIX,
  AUDIT_HEAD_KEY,
  AUDIT_LAST_VERIFY_KEY,
  AUDIT_SESSION_PREFIX,
  auditEntryKey,
  type LastVerify,
} from "./audit_keys.ts";

/** Options of {@link verifyKvAuditLog}. */
export interface VerifyAuditOptions {
  /** The keyring (its trusted keys, rotated ones included) or a lookup. */
  readonly trusted: Keyring | TrustedKeyLookup;
  /** An externally recorded `seq:hash` the chain must still contain. */
  readonly expectHead?: ChainPoint;
  /** Also check the per-session index (a second scan, about as long as the first). */
  readonly checkIndex?: boolean;
  /** Store the result under `["audit","meta","last_verify"]`, stamped with this clock. */
  readonly record?: { readonly clock: Clock };
  readonly signal?: AbortSignal;
}

/** Verify the whole log. Never throws for a broken chain: that is the verdict. */
export async function verifyKvAuditLog(
  kv: Deno.Kv,
  options: VerifyAuditOptions,
): Promise<ChainVerdict & { readonly durationMs: number }> {
  const started = performance.now();
  const trusted: TrustedKeyLookup = typeof options.trusted === "function"
    ? options.trusted
    : ((k) => trustedPublicKey(options.trusted as Keyring, k));
  const v = new ChainVerifier();
  await scanInto(v, kv.list({ prefix: AUDIT_ENTRY_PREFIX }, { batchSize: 1000 }), options.signal);

  const checkpoints: unknown[] = [];
  for await (const r of kv.list({ prefix: AUDIT_CHECKPOINT_PREFIX })) {
    // The key's seq must agree with the value's: a checkpoint moved to another key is malformed.
    checkpoints.push(
      (r.value as { seq?: unknown } | null)?.seq === r.key[2] ? r.value : { malformed: r.key },
    );
  }
  const head = (await kv.get(AUDIT_HEAD_KEY)).value;
  const headSeq = (head as { seq?: unknown } | null)?.seq;
  if (!v.broken && Number.isSafeInteger(headSeq) && (headSeq as number) > v.lastSeq) {
    // Appends that landed during the scan.
    await scanInto(
      v,
      kv.list({
        start: auditEntryKey(v.lastSeq + 1),
        end: auditEntryKey((headSeq as number) + 1),
      }, { batchSize: 1000 }),
      options.signal,
    );
  }
  let verdict: ChainVerdict = v.finish({
    head,
    checkpoints,
    trusted,
    expectHead: options.expectHead,
  });
  if (verdict.intact && options.checkIndex) {
    const bad = await v.checkIndex(indexRows(kv, options.signal));
    if (bad) verdict = { intact: false, length: verdict.length, ...bad };
  }
  const durationMs = performance.now() - started;
  if (options.record) {
    const record: LastVerify = {
      time: options.record.clock.now(),
      intact: verdict.intact,
      length: verdict.length,
      durationMs: Math.round(durationMs),
      ...(verdict.intact
        ? { headSeq: verdict.head?.seq, headHash: verdict.head?.hash }
        : { seq: verdict.seq, problem: verdict.problem, reason: verdict.reason }),
    };
    // A running runtime may hold the write lock for a moment: wait rather than fail.
    await retryWhileBusy(() => kv.set(AUDIT_LAST_VERIFY_KEY, record));
  }
  return { ...verdict, durationMs };
}

async function scanInto(
  v: ChainVerifier,
  entries: Deno.KvListIterator<unknown>,
  signal: AbortSignal | undefined,
): Promise<void> {
  let n = 0;
  for await (const r of entries) {
    if (!v.push(r.key[2] as number, r.value as Uint8Array)) return;
    if ((++n & 0x3fff) === 0) signal?.throwIfAborted();
  }
}

async function* indexRows(
  kv: Deno.Kv,
  signal: AbortSignal | undefined,
): AsyncGenerator<{ seq: number; hash: unknown }> {
  let n = 0;
  for await (const r of kv.list({ prefix: AUDIT_SESSION_PREFIX }, { batchSize: 1000 })) {
    yield { seq: r.key[3] as number, hash: r.value };
    if ((++n & 0x3fff) === 0) signal?.throwIfAborted();
  }
}
