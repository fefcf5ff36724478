/**
 * The audit chain, pure: the entry model, its canonical encoding and hash, the
 * stored form, signed checkpoints, and chain verification over an iterable of
 * stored entries. Storage (Deno KV, group commit) lives in `src/storage/audit/`.
 *
 * @module
 */

export {
  AUDIT_KINDS,
  type AuditDecision,
  type AuditDraft,
  type AuditEntry,
  type AuditKind,
  type AuditLinks,
  type AuditOutcome,
  type AuditProof,
  GENESIS_HASH,
} from "./audit_entry.ts";
export {
  clipText,
  compactAction,
  type Digested,
  digestJson,
  digestString,
  MAX_ACTION_STRING,
  MAX_TEXT,
} from "./compact_action.ts";
export {
  AUDIT_ENTRY_DOMAIN,
  encodeAuditEntry,
  hashAuditEncoding,
  storedAuditEntry,
  type UnsealedAuditEntry,
} from "./encode_audit_entry.ts";
export { type EntryPlacement, MAX_STORED_ENTRY, sealAuditEntry } from "./seal_audit_entry.ts";
export { decodeAuditEntry } from "./decode_audit_entry.ts";
export {
  AUDIT_CHECKPOINT_DOMAIN,
  type AuditCheckpoint,
  checkpointMessage,
  checkpointProblem,
  parseCheckpoint,
  signCheckpoint,
  type TrustedKeyLookup,
} from "./audit_checkpoint.ts";
export {
  type ChainBreak,
  type ChainEvidence,
  type ChainPoint,
  type ChainProblem,
  type ChainVerdict,
  ChainVerifier,
  type StoredAuditEntry,
  verifyChain,
} from "./verify_chain.ts";
