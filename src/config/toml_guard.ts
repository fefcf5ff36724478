/**
 * Checks that run before a config file reaches the TOML parser, so hostile
 * input gets a clear error instead of a crash: size, UTF-8, NUL bytes and
 * nesting depth. smol-toml limits `[`/`{` nesting itself but recurses once
 * per dotted-key segment, so `a.a.a...` 10,000 deep overflows the stack; this
 * scanner bounds both before parsing.
 *
 * @module
 */

/** Largest config file accepted, in bytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Deepest `[`/`{` nesting and longest dotted key accepted. */
export const MAX_NESTING = 32;

/** A problem found before parsing. */
export interface GuardProblem {
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly message: string;
}

/**
 * Decode `bytes` as strict UTF-8 (a leading BOM is dropped). Fails with the
 * line and byte offset of the first invalid sequence.
 */
export function decodeConfigBytes(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; problem: GuardProblem } {
  if (bytes.length > MAX_CONFIG_BYTES) {
    return {
      ok: false,
      problem: {
        message: `file is ${bytes.length} bytes; expected at most ${MAX_CONFIG_BYTES} (1 MiB)`,
      },
    };
  }
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    return {
      ok: false,
      problem: {
        line,
        message: `file is not valid UTF-8 (invalid byte 0x${
          (bytes[offset] ?? 0).toString(16).padStart(2, "0")
        } at offset ${offset}); expected UTF-8 text`,
      },
    };
  }
}

/** Byte offset of the first byte that does not start a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return b.length;
}

/**
 * Reject text the parser should never see: over 1 MiB, NUL bytes, `[`/`{`
 * nesting deeper than {@link MAX_NESTING}, or a dotted key with more segments.
 * Strings and comments are skipped, so their content is never counted.
 */
export function checkTomlShape(text: string): GuardProblem | undefined {
  if (text.length > MAX_CONFIG_BYTES) {
    return { message: `file is longer than ${MAX_CONFIG_BYTES} characters (1 MiB)` };
  }
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let dots = 0;
  const at = (i: number, message: string): GuardProblem => ({
    line,
    column: i - lineStart + 1,
    message,
  });
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\0") return at(i, "NUL byte in file; expected text");
    if (c === "\n") {
      line++;
      lineStart = i + 1;
      dots = 0;
      i++;
      continue;
    }
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") {
        if (text[i] === "\0") return at(i, "NUL byte in file; expected text");
        i++;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const close = triple ? c.repeat(3) : c;
      i += close.length;
      while (i < text.length && !text.startsWith(close, i)) {
        const s = text[i]!;
        if (s === "\0") return at(i, "NUL byte in file; expected text");
        if (s === "\n") {
          if (!triple) break; // unterminated: let the parser report it
          line++;
          lineStart = i + 1;
        }
        i += s === "\\" && c === '"' && text[i + 1] !== "\n" ? 2 : 1;
      }
      if (text.startsWith(close, i)) {
        i += close.length;
        // A closing triple quote may carry up to two extra quotes of content.
        while (triple && text[i] === c) i++;
      }
      continue;
    }
    if (c === "[" || c === "{") {
      depth++;
      dots = 0;
      if (depth > MAX_NESTING) {
        return at(i, `nesting deeper than ${MAX_NESTING} levels; expected a flatter document`);
      }
    } else if (c === "]" || c === "}") {
      depth = Math.max(0, depth - 1);
      dots = 0;
    } else if (c === ".") {
      dots++;
      if (dots >= MAX_NESTING) {
        return at(i, `dotted key longer than ${MAX_NESTING} segments; expected a shallower key`);
      }
    } else if (c === "=" || c === ",") dots = 0;
    i++;
  }
  return undefined;
}
