/**
 * The audit log on Deno KV: appends inside group-commit jobs, reads, stats
 * and verification. The entry model, encoding and chain checks are pure and
 * live in `src/security/audit/`.
 *
 * @module
 */

export { appendAuditEntry, type AuditAppendContext } from "./append_audit_entry.ts";
export { KvAuditLog, type KvAuditLogOptions } from "./kv_audit_log.ts";
export {
  actionKinds,
  type AuditFilter,
  getAuditEntry,
  isAuditFilterKind,
  listAuditEntries,
  readAuditHead,
} from "./read_audit_log.ts";
export { type AuditStats, auditStats } from "./audit_stats.ts";
export { type VerifyAuditOptions, verifyKvAuditLog } from "./verify_kv_audit_log.ts";
export {
  AUDIT_CHECKPOINT_PREFIX,
  AUDIT_ENTRY_PREFIX,
  AUDIT_HEAD_KEY,
  AUDIT_LAST_VERIFY_KEY,
  AUDIT_SESSION_PREFIX,
  auditCheckpointKey,
  auditEntryKey,
  auditSessionKey,
  type LastVerify,
} from "./audit_keys.ts";
