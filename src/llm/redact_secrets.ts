/**
 * Keys never reach a message: every error text a provider produces passes
 * through {@link redactSecrets}, including text the server sent (a server may
 * echo the key it was given, whole or in part).
 *
 * @module
 */

/** What a secret, or a piece of one, is replaced with. */
export const REDACTED = "[redacted]";

/** Shortest run of a secret's characters that counts as a leak of it. */
const WINDOW = 8;

/**
 * `text` with every secret removed: whole occurrences, and any run of at least
 * eight consecutive characters of a secret (a prefix such as `sk-ant-api03-`
 * plus a few key characters, or the tail a server shows). Secrets shorter than
 * eight characters are removed where they occur whole.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = secret.length < WINDOW ? out.split(secret).join(REDACTED) : redactWindows(out, secret);
  }
  return out;
}

function redactWindows(text: string, secret: string): string {
  const windows = new Set<string>();
  for (let i = 0; i + WINDOW <= secret.length; i++) windows.add(secret.slice(i, i + WINDOW));
  const hit = new Uint8Array(text.length);
  let any = false;
  for (let i = 0; i + WINDOW <= text.length; i++) {
    if (windows.has(text.slice(i, i + WINDOW))) {
      hit.fill(1, i, i + WINDOW);
      any = true;
    }
  }
  if (!any) return text;
  let out = "";
  for (let i = 0; i < text.length;) {
    if (hit[i] === 1) {
      out += REDACTED;
      while (hit[i] === 1) i++;
    } else {
      const start = i;
      while (i < text.length && hit[i] !== 1) i++;
      out += text.slice(start, i);
    }
  }
  return out;
}

// C0 and C1 controls, and the marks that reorder displayed text.
// deno-lint-ignore no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Server-controlled text made safe to show on one line of a terminal: control
 * and bidirectional-override characters become spaces (no escape sequences,
 * no spoofed lines), runs of spaces shrink, and the result is cut at
 * `maxChars` with an ellipsis.
 */
export function oneLine(text: string, maxChars = 500): string {
  const flat = text.replace(UNSAFE_CHARS, " ").replace(/ {2,}/g, " ").trim();
  return flat.length > maxChars ? flat.slice(0, maxChars) + "…" : flat;
}
