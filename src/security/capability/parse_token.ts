/**
 * Strict decoding of a stored or transmitted token: every field present with
 * the right type, nothing extra. A token that does not parse is not a token.
 *
 * @module
 */

import { fromBase64Url, toBase64Url } from "../../core/mod.ts";
import type { Permission } from "../action.ts";
import type { CapabilityToken } from "./capability_token.ts";

const PERMISSIONS: readonly Permission[] = [
  "read",
  "write",
  "delete",
  "execute",
  "connect",
  "call",
  "transmit",
  "pay",
  "admin",
  "grant",
];

const FIELDS = new Set([
  "v",
  "id",
  "resource",
  "permissions",
  "issuedAt",
  "expiresAt",
  "scope",
  "sessionId",
  "issuerKeyId",
  "principal",
  "auditEntryId",
  "auditEntryHash",
  "singleUse",
  "nonce",
  "signature",
]);

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Parse `value` as a token; the error names the first bad field.
 *
 * The result is a fresh object holding each known field read exactly once, so
 * an accessor or a later change to `value` cannot show verification one value
 * and the scope check another.
 */
export function parseToken(
  value: unknown,
): { ok: true; token: CapabilityToken } | { ok: false; reason: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: "token: expected an object" };
  }
  for (const k of Object.keys(value)) {
    if (!FIELDS.has(k)) return { ok: false, reason: `token: unknown field "${k}"` };
  }
  const o: Record<string, unknown> = {};
  for (const k of FIELDS) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) o[k] = Array.isArray(v) ? [...v] : v;
  }
  const str = (k: string) => typeof o[k] === "string" && (o[k] as string).length > 0;
  const int = (k: string) => Number.isSafeInteger(o[k]) && (o[k] as number) >= 0;
  if (o.v !== 1) return { ok: false, reason: `token.v: expected 1, got ${JSON.stringify(o.v)}` };
  for (
    const k of [
      "id",
      "resource",
      "issuerKeyId",
      "principal",
      "auditEntryId",
      "auditEntryHash",
      "nonce",
      "signature",
    ]
  ) {
    if (!str(k)) return { ok: false, reason: `token.${k}: expected a non-empty string` };
  }
  if (!canonicalBase64Url(o.nonce as string, 16)) {
    return { ok: false, reason: "token.nonce: expected 16 bytes as unpadded base64url" };
  }
  if (!canonicalBase64Url(o.signature as string, 64)) {
    return { ok: false, reason: "token.signature: expected 64 bytes as unpadded base64url" };
  }
  for (const k of ["issuedAt", "expiresAt"]) {
    if (!int(k)) {
      return { ok: false, reason: `token.${k}: expected a whole number of milliseconds` };
    }
  }
  if ((o.expiresAt as number) <= (o.issuedAt as number)) {
    return { ok: false, reason: "token.expiresAt: expected a time after issuedAt" };
  }
  if (o.scope !== "session" && o.scope !== "persistent") {
    return { ok: false, reason: `token.scope: expected "session" or "persistent"` };
  }
  if (o.sessionId !== undefined && !str("sessionId")) {
    return { ok: false, reason: "token.sessionId: expected a non-empty string" };
  }
  if (o.scope === "session" && o.sessionId === undefined) {
    return { ok: false, reason: "token.sessionId: required for a session-scoped token" };
  }
  if (typeof o.singleUse !== "boolean") {
    return { ok: false, reason: "token.singleUse: expected true or false" };
  }
  const perms = o.permissions;
  if (
    !Array.isArray(perms) || perms.length === 0 ||
    !perms.every((p) => PERMISSIONS.includes(p as Permission))
  ) {
    return {
      ok: false,
      reason: `token.permissions: expected a non-empty list of ${PERMISSIONS.join(", ")}`,
    };
  }
  return { ok: true, token: o as unknown as CapabilityToken };
}

/** `s` is the one unpadded base64url spelling of exactly `bytes` bytes. */
function canonicalBase64Url(s: string, bytes: number): boolean {
  if (s.length !== Math.ceil(bytes * 4 / 3) || !BASE64URL.test(s)) return false;
  try {
    return toBase64Url(fromBase64Url(s)) === s;
  } catch {
    return false;
  }
}
