/**
 * `astrid capsule remove`: record the removal in the audit log, then delete
 * the capsule's files, private state (values, tool lists), KV namespace and
 * record. In a CLI process nothing is loaded; a host that runs capsules
 * (the daemon) must stop the capsule's parts before calling this.
 *
 * @module
 */

import type { CapsuleRecord, CapsuleStore } from "./capsule_store.ts";
import type { AuditSink } from "./install_capsule.ts";

/** What the removal did. */
export type RemoveOutcome =
  | { readonly kind: "removed"; readonly record: CapsuleRecord; readonly auditSeq: number }
  | { readonly kind: "missing" };

/** Remove capsule `name`. */
export async function removeCapsule(
  name: string,
  deps: { readonly store: CapsuleStore; readonly audit: AuditSink; readonly principal: string },
): Promise<RemoveOutcome> {
  const record = await deps.store.get(name);
  if (!record) return { kind: "missing" };
  // On the record first: a removal that happened is never missing from the log.
  const entry = await deps.audit.append({
    sessionId: "-",
    principal: deps.principal,
    kind: "event",
    decision: "allow",
    summary: `Remove capsule ${name} ${record.version}`,
    detail: {
      capsule: name,
      version: record.version,
      contentHash: record.contentHash,
      servers: record.servers.map((s) => s.id),
    },
  });
  await deps.store.remove(name);
  return { kind: "removed", record, auditSeq: entry.seq };
}
