/**
 * Agent sessions on Deno KV: meta, conversation records, listing, deletion
 * and the spending roll-up of sub-agents into their parents.
 *
 * @module
 */

export {
  INLINE_BYTES,
  KvSessionStore,
  type MetaPatch,
  type NewRecord,
  SESSION_KEYS,
  type SessionListFilter,
} from "./kv_session_store.ts";
export {
  type NewSession,
  newSessionMeta,
  NO_USAGE,
  type SessionMeta,
  type SessionScope,
  type SessionUsage,
  type StoredRecord,
  type TurnRecord,
} from "./session_meta.ts";
