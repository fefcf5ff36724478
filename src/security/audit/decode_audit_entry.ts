/**
 * Read a stored audit entry back into an {@link AuditEntry} (for listing,
 * showing and exporting). Chain verification does not need this: it works on
 * the stored bytes (see `verify_chain.ts`).
 *
 * @module
 */

import { AUDIT_KINDS, type AuditEntry, type AuditKind } from "./audit_entry.ts";
import { AUDIT_ENTRY_DOMAIN, hashAuditEncoding } from "./encode_audit_entry.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Parse the stored form `<hash>\n<encoding v1>`. Throws `SyntaxError` naming
 * what is wrong. With `checkHash`, also recomputes the hash and throws when it
 * differs from the stored one.
 */
export function decodeAuditEntry(
  stored: Uint8Array,
  options: { checkHash?: boolean } = {},
): AuditEntry {
  let text: string;
  try {
    text = decoder.decode(stored);
  } catch {
    throw new SyntaxError("Cannot decode audit entry: not valid UTF-8");
  }
  const hash = text.slice(0, 64);
  const lines = text.slice(65).split("\n", 3);
  const [domain, seqText, prevHash] = lines;
  const bodyStart = 65 + (domain?.length ?? 0) + (seqText?.length ?? 0) +
    (prevHash?.length ?? 0) + 3;
  if (!/^[0-9a-f]{64}$/.test(hash) || text[64] !== "\n") {
    throw new SyntaxError("Cannot decode audit entry: expected a 64-hex-digit hash line first");
  }
  if (domain !== AUDIT_ENTRY_DOMAIN) {
    throw new SyntaxError(
      `Cannot decode audit entry: encoding "${
        domain?.slice(0, 40)
      }" is not "${AUDIT_ENTRY_DOMAIN}"`,
    );
  }
  if (seqText === undefined || !/^[1-9][0-9]{0,15}$/.test(seqText)) {
    throw new SyntaxError(`Cannot decode audit entry: seq "${seqText}" is not a decimal number`);
  }
  if (prevHash === undefined || !/^[0-9a-f]{64}$/.test(prevHash)) {
    throw new SyntaxError("Cannot decode audit entry: prevHash is not 64 hex digits");
  }
  if (options.checkHash && hashAuditEncoding(stored.subarray(65)) !== hash) {
    throw new SyntaxError(
      `Cannot decode audit entry #${seqText}: stored hash does not match its content`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text.slice(bodyStart));
  } catch (e) {
    throw new SyntaxError(`Cannot decode audit entry #${seqText}: ${(e as Error).message}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new SyntaxError(`Cannot decode audit entry #${seqText}: body is not a JSON object`);
  }
  const b = body as Record<string, unknown>;
  for (const f of ["id", "sessionId", "principal"] as const) {
    if (typeof b[f] !== "string") {
      throw new SyntaxError(`Cannot decode audit entry #${seqText}: ${f} is not a string`);
    }
  }
  if (typeof b.time !== "number") {
    throw new SyntaxError(`Cannot decode audit entry #${seqText}: time is not a number`);
  }
  if (!AUDIT_KINDS.includes(b.kind as AuditKind)) {
    throw new SyntaxError(`Cannot decode audit entry #${seqText}: unknown kind "${b.kind}"`);
  }
  return {
    ...(b as Omit<AuditEntry, "seq" | "prevHash" | "hash">),
    seq: Number(seqText),
    prevHash,
    hash,
  };
}
