/**
 * The wire format of Astrid's host functions (`extism:host/user`): each takes
 * one Extism block holding a UTF-8 JSON object and returns one block holding
 * a JSON reply, `{"ok":true,...}` or `{"ok":false,"code":...,"message":...}`.
 * A denial is a reply the guest can read, never a trap.
 *
 * @module
 */

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Stable codes of a failed host call. */
export type HostErrorCode =
  | "invalid_request"
  | "not_granted"
  | "confinement"
  | "address"
  | "denied"
  | "limit"
  | "io"
  | "network";

/** A reply to the guest. */
export type HostReply =
  | ({ readonly ok: true } & Readonly<Record<string, unknown>>)
  | { readonly ok: false; readonly code: HostErrorCode; readonly message: string };

/** A failed reply. */
export function hostError(code: HostErrorCode, message: string): HostReply {
  return { ok: false, code, message };
}

/** Field types a request may declare. */
type FieldType = "string" | "string?" | "boolean?" | "string|null" | "object?";

/** Read a request object with exactly the declared fields; unknown fields are refused. */
export function readRequest<const F extends Record<string, FieldType>>(
  fn: string,
  bytes: Uint8Array,
  fields: F,
): { ok: true; value: Record<keyof F, unknown> } | { ok: false; reply: HostReply } {
  const bad = (message: string) => ({
    ok: false as const,
    reply: hostError("invalid_request", `${fn}: ${message}`),
  });
  let data: unknown;
  try {
    data = JSON.parse(STRICT_UTF8.decode(bytes));
  } catch (e) {
    return bad(`request is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return bad("request must be a JSON object");
  }
  const obj = data as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!(k in fields)) {
      return bad(`unknown field "${k}"; expected ${Object.keys(fields).join(", ")}`);
    }
  }
  for (const [k, type] of Object.entries(fields)) {
    const v = obj[k];
    const ok = type === "string"
      ? typeof v === "string"
      : type === "string?"
      ? v === undefined || typeof v === "string"
      : type === "boolean?"
      ? v === undefined || typeof v === "boolean"
      : type === "string|null"
      ? v === null || typeof v === "string"
      : v === undefined || (typeof v === "object" && v !== null && !Array.isArray(v));
    if (!ok) return bad(`field "${k}" must be ${type.replace("?", " (optional)")}`);
  }
  return { ok: true, value: obj as Record<keyof F, unknown> };
}

/** Bytes as a reply field: UTF-8 text when it decodes, base64 otherwise. */
export function encodeData(bytes: Uint8Array): { data: string; encoding: "utf8" | "base64" } {
  try {
    return { data: STRICT_UTF8.decode(bytes), encoding: "utf8" };
  } catch {
    return { data: toBase64(bytes), encoding: "base64" };
  }
}

/** A request's data field back to bytes. */
export function decodeData(data: string, encoding: unknown): Uint8Array | string {
  if (encoding === undefined || encoding === "utf8") return new TextEncoder().encode(data);
  if (encoding !== "base64") return `encoding "${String(encoding)}" is not "utf8" or "base64"`;
  try {
    const bin = atob(data);
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return "data is not valid base64";
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
