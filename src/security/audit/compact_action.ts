/**
 * Keep audit entries small without losing what they prove.
 *
 * An entry must stay well under Deno KV's 64 KiB value limit, and a diff or an
 * MCP argument can be megabytes. Large strings inside an action are replaced by
 * `{ blake3, length }`: plain BLAKE3-256 (hex) of the string's UTF-8 bytes and
 * that byte length, so anyone holding the original (the diff that was
 * approved, the file that was written) can prove it is the one recorded, with
 * `b3sum`. Free text (reasons, error messages) is clipped instead, because a
 * human reads it: the head is kept and the clipped tail is summarised by its
 * length and BLAKE3.
 *
 * @module
 */

import { canonicalJson, type JsonValue, utf8 } from "../../core/mod.ts";
import type { Action } from "../action.ts";
import { blake3Hex } from "../crypto/blake3.ts";

/** Strings in an action longer than this many UTF-16 units are replaced by their digest. */
export const MAX_ACTION_STRING = 1024;
/** Free-text strings longer than this are clipped. */
export const MAX_TEXT = 4096;

/** A large value recorded by its digest. */
export interface Digested {
  readonly blake3: string;
  /** Length in UTF-8 bytes (for a string) or of its canonical JSON (for a structure). */
  readonly length: number;
}

/** Digest of a string: BLAKE3 of its UTF-8 bytes and the byte length. */
export function digestString(s: string): Digested {
  const bytes = utf8(s);
  return { blake3: blake3Hex(bytes), length: bytes.length };
}

/** Digest of any JSON value: BLAKE3 of its canonical JSON and that length. */
export function digestJson(v: unknown): Digested {
  return digestString(canonicalJson(v));
}

/**
 * The action(s) as a JSON value fit for an audit entry: canonical (plain data,
 * no `undefined`), with every string longer than {@link MAX_ACTION_STRING}
 * replaced by its {@link Digested} form.
 */
export function compactAction(action: Action | readonly Action[]): JsonValue {
  return compact(action, 0);
}

function compact(v: unknown, depth: number): JsonValue {
  if (depth > 64) throw new TypeError("Cannot record action: nested deeper than 64 levels");
  if (typeof v === "string") {
    return v.length > MAX_ACTION_STRING ? { ...digestString(v) } : v;
  }
  if (v === null || typeof v !== "object") {
    if (v === undefined) return null;
    return v as JsonValue;
  }
  if (Array.isArray(v)) return v.map((x) => compact(x, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(
      `Cannot record action: expected plain data, got ${proto?.constructor?.name ?? "an object"}`,
    );
  }
  const out: Record<string, JsonValue> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x !== undefined) out[k] = compact(x, depth + 1);
  }
  return out;
}

/** `text` itself, or its first part with a note of how much was clipped and its digest. */
export function clipText(text: string, max = MAX_TEXT): string {
  if (text.length <= max) return text;
  const d = digestString(text);
  const head = text.slice(0, max - 160);
  return `${head}… [clipped: ${d.length} bytes in all, blake3 ${d.blake3}]`;
}

/** Clip every string inside a JSON-like value (for proof, outcome, detail). */
export function clipStrings<T>(v: T, max = MAX_TEXT, depth = 0): T {
  if (depth > 64) throw new TypeError("Cannot record value: nested deeper than 64 levels");
  if (typeof v === "string") return clipText(v, max) as T;
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => clipStrings(x, max, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x !== undefined) out[k] = clipStrings(x, max, depth + 1);
  }
  return out as T;
}
