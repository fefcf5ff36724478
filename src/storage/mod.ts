/**
 * Storage: the runtime's state on disk (signing keys; sessions, audit and
 * tokens as they land).
 *
 * @module
 */

export { generateKey, keyPaths, loadKeyring, loadOrCreateKeyring } from "./key_store.ts";
export type { GeneratedKey, KeyPaths } from "./key_store.ts";
export { openExistingStateKv, openKvFile, openStateKv, stateKvPath } from "./open_state_kv.ts";
export { type BatchJob, type BatchTx, KV_ATOMIC_LIMITS, KvBatcher } from "./kv_batch.ts";
export { type AppendEntry, KvDecisionStore, toDraft } from "./decision/kv_decision_store.ts";
export * from "./audit/mod.ts";
export { KvTokenStore, type Revocation, TOKEN_KEYS, type TokenStore } from "./capability/mod.ts";
export * from "./session/mod.ts";
