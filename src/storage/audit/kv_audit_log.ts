/**
 * The audit log on Deno KV: appends through the group-commit engine.
 *
 * @module
 */

import { type Clock, cryptoRandom, type Random } from "../../core/mod.ts";
import type { AuditDraft, AuditEntry } from "../../security/audit/mod.ts";
import type { Signer } from "../../security/keyring.ts";
import { type BatchTx, KvBatcher } from "../kv_batch.ts";
import { appendAuditEntry, type AuditAppendContext } from "./append_audit_entry.ts";
import { AUDIT_HEAD_KEY } from "./audit_keys.ts";

/** How to build a {@link KvAuditLog}. */
export interface KvAuditLogOptions {
  /** The runtime key: signs the head once per commit and the periodic checkpoints. */
  readonly signer: Signer;
  /** Share the interceptor's batcher so decisions and entries commit together. Default: a private one. */
  readonly batcher?: KvBatcher;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Default: `cryptoRandom`. */
  readonly random?: Random;
  /** Default 1000. */
  readonly checkpointEvery?: number;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * Append-only audit log over one `Deno.Kv`.
 *
 * ```ts ignore
 * const log = new KvAuditLog(kv, { signer: signerOf(keyring) });
 * const entry = await log.append({ sessionId, principal, kind: "event", summary: "started" });
 * await log.close();
 * ```
 */
export class KvAuditLog {
  readonly batcher: KvBatcher;
  readonly context: AuditAppendContext;
  readonly #ownBatcher: boolean;

  constructor(kv: Deno.Kv, options: KvAuditLogOptions) {
    this.#ownBatcher = options.batcher === undefined;
    this.batcher = options.batcher ?? new KvBatcher(kv);
    this.context = {
      signer: options.signer,
      clock: options.clock ?? systemClock,
      random: options.random ?? cryptoRandom,
      checkpointEvery: options.checkpointEvery ?? 1000,
    };
  }

  /**
   * Append `draft`; resolves with the entry once it is durable, rejects (and
   * records nothing) if it could not be committed. Many concurrent appends
   * share one commit.
   */
  append(draft: AuditDraft, options?: { signal?: AbortSignal }): Promise<AuditEntry> {
    return this.batcher.submit({
      prefetch: [AUDIT_HEAD_KEY],
      build: (tx) => appendAuditEntry(tx, draft, this.context),
    }, options);
  }

  /** Append inside another batch job (a decision that also writes budget keys). */
  appendIn(tx: BatchTx, draft: AuditDraft): Promise<AuditEntry> {
    return appendAuditEntry(tx, draft, this.context);
  }

  /** Wait for pending appends; closes the batcher if this log created it. Does not close the KV. */
  close(): Promise<void> {
    return this.#ownBatcher ? this.batcher.close() : this.batcher.flush();
  }
}
