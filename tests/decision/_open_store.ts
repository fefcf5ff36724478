/**
 * Opens a real `KvDecisionStore` (KV file or `:memory:`) with a real audit log,
 * for the conformance suite and the multi-process tests.
 *
 * @module
 */

import { type Clock, FakeClock, SeededRandom } from "../../src/core/mod.ts";
import { keyPairFromSeed } from "../../src/security/crypto/ed25519.ts";
import { keyIdOf, type Keyring, signerOf } from "../../src/security/keyring.ts";
import type { BudgetLimits, DenialLimits } from "../../src/security/mod.ts";
import { KvAuditLog } from "../../src/storage/audit/mod.ts";
import { KvDecisionStore } from "../../src/storage/decision/kv_decision_store.ts";
import { KvBatcher } from "../../src/storage/kv_batch.ts";
import { openKvFile } from "../../src/storage/open_state_kv.ts";

/** A fixed test keyring. */
export function testKeyring(): Keyring {
  const kp = keyPairFromSeed(new Uint8Array(32).fill(7));
  const keyId = keyIdOf(kp.publicKey);
  return {
    active: { keyId, seed: kp.seed, publicKey: kp.publicKey, createdAt: 0 },
    trusted: new Map([[keyId, { keyId, publicKey: kp.publicKey, createdAt: 0 }]]),
  };
}

export const LIMITS: BudgetLimits = { session_usd: 1, action_usd: 0.5, warn_ratio: 0.8 };
export const DENIAL_LIMITS: DenialLimits = { max_consecutive_denials: 3, max_total_denials: 20 };

/** A store over `path` plus what closes it. */
export async function openStore(
  path: string,
  options: { clock?: Clock; budget?: BudgetLimits; seed?: number } = {},
) {
  const kv = await openKvFile(path);
  const batcher = new KvBatcher(kv);
  const keyring = testKeyring();
  const clock = options.clock ?? new FakeClock();
  const audit = new KvAuditLog(kv, {
    signer: signerOf(keyring),
    batcher,
    clock,
    random: new SeededRandom(options.seed ?? 1),
  });
  const store = new KvDecisionStore({
    kv,
    batcher,
    append: (tx, draft) => audit.appendIn(tx, draft),
    clock,
    budget: options.budget ?? LIMITS,
    denialLimits: DENIAL_LIMITS,
  });
  return {
    kv,
    store,
    keyring,
    async close() {
      await batcher.close();
      kv.close();
    },
  };
}
