/**
 * Raw terminal input to keys: UTF-8 text, control characters, CSI/SS3
 * escape sequences (arrows, Home/End, Delete, word moves) and bracketed paste
 * (`ESC [200~ ... ESC [201~`, one `paste` key whatever the pasted text holds,
 * so a pasted newline never submits). Pure apart from the buffer it keeps
 * between chunks: a sequence or a UTF-8 character split across reads is
 * completed by the next chunk.
 *
 * @module
 */

/** One key press (or one paste). */
export type Key =
  /** Printable text: one or more characters typed. */
  | { readonly kind: "text"; readonly text: string }
  /** A bracketed paste, newlines included. */
  | { readonly kind: "paste"; readonly text: string }
  | {
    readonly kind:
      | "enter"
      /** Alt-Enter or Ctrl-J: a newline inside the input. */
      | "newline"
      | "backspace"
      | "delete"
      | "tab"
      | "escape"
      | "left"
      | "right"
      | "up"
      | "down"
      | "home"
      | "end"
      | "wordLeft"
      | "wordRight"
      | "deleteWordLeft"
      | "killToEnd"
      | "killToStart"
      | "clearScreen"
      | "interrupt"
      | "eof";
  };

/** Kinds of keys that carry no text. */
export type KeyKind = Exclude<Key, { text: string }>["kind"];

const CONTROL: Readonly<Record<number, KeyKind>> = {
  0x01: "home", // Ctrl-A
  0x02: "left", // Ctrl-B
  0x03: "interrupt", // Ctrl-C
  0x04: "eof", // Ctrl-D
  0x05: "end", // Ctrl-E
  0x06: "right", // Ctrl-F
  0x08: "backspace", // Ctrl-H
  0x09: "tab",
  0x0a: "newline", // Ctrl-J
  0x0b: "killToEnd", // Ctrl-K
  0x0c: "clearScreen", // Ctrl-L
  0x0d: "enter",
  0x0e: "down", // Ctrl-N
  0x10: "up", // Ctrl-P
  0x15: "killToStart", // Ctrl-U
  0x17: "deleteWordLeft", // Ctrl-W
  0x7f: "backspace",
};

/** Final bytes of `ESC [ ... x` and `ESC O x` sequences. */
const CSI_FINAL: Readonly<Record<string, KeyKind>> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
};

/** `ESC [ n ~` sequences. */
const CSI_TILDE: Readonly<Record<string, KeyKind>> = {
  "1": "home",
  "7": "home",
  "4": "end",
  "8": "end",
  "3": "delete",
};

const PASTE_END = "\x1b[201~";

/** Turns chunks of raw input into keys. */
export class KeyDecoder {
  readonly #utf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  #buffer = "";
  #paste: string | undefined;

  /** Decode one chunk; returns the keys it completed. */
  feed(bytes: Uint8Array): Key[] {
    this.#buffer += this.#utf8.decode(bytes, { stream: true });
    return this.#drain(false);
  }

  /** True when a chunk ended inside an escape sequence (a lone `ESC` may be the Escape key). */
  get pending(): boolean {
    return this.#buffer.length > 0 && this.#paste === undefined;
  }

  /** Input ended (or went quiet): a lone pending `ESC` becomes the Escape key. */
  flush(): Key[] {
    return this.#drain(true);
  }

  #drain(final: boolean): Key[] {
    const keys: Key[] = [];
    let text = "";
    const emit = (k: Key) => {
      if (text !== "") keys.push({ kind: "text", text });
      text = "";
      keys.push(k);
    };
    let s = this.#buffer;
    while (s.length > 0) {
      if (this.#paste !== undefined) {
        const end = s.indexOf(PASTE_END);
        if (end < 0) {
          // Keep a possible partial end marker for the next chunk.
          const keep = partialSuffix(s, PASTE_END);
          this.#paste += s.slice(0, s.length - keep);
          s = s.slice(s.length - keep);
          break;
        }
        const pasted = (this.#paste + s.slice(0, end)).replace(/\r\n?/g, "\n");
        this.#paste = undefined;
        emit({ kind: "paste", text: pasted });
        s = s.slice(end + PASTE_END.length);
        continue;
      }
      const c = s.charCodeAt(0);
      if (c === 0x1b) {
        const seq = parseEscape(s, final);
        if (seq === "incomplete") break;
        s = s.slice(seq.length);
        if (seq.key === "pasteStart") this.#paste = "";
        else if (seq.key !== null) emit({ kind: seq.key });
        continue;
      }
      if (c < 0x20 || c === 0x7f) {
        const kind = CONTROL[c];
        if (kind !== undefined) emit({ kind });
        s = s.slice(1);
        continue;
      }
      const cp = s.codePointAt(0)!;
      const ch = String.fromCodePoint(cp);
      text += ch;
      s = s.slice(ch.length);
    }
    if (text !== "") keys.push({ kind: "text", text });
    this.#buffer = s;
    return keys;
  }
}

type Escape = { readonly length: number; readonly key: KeyKind | "pasteStart" | null };

/** Parse the escape sequence at the start of `s`. */
function parseEscape(s: string, final: boolean): Escape | "incomplete" {
  if (s.length === 1) return final ? { length: 1, key: "escape" } : "incomplete";
  const second = s[1]!;
  if (second === "[") {
    // CSI: parameters 0x30-0x3f, intermediates 0x20-0x2f, final 0x40-0x7e.
    let i = 2;
    while (i < s.length && s.charCodeAt(i) >= 0x20 && s.charCodeAt(i) <= 0x3f) i++;
    if (i >= s.length) return final ? { length: s.length, key: null } : "incomplete";
    const fin = s[i]!;
    const params = s.slice(2, i);
    const length = i + 1;
    if (fin === "~") {
      if (params === "200") return { length, key: "pasteStart" };
      return { length, key: CSI_TILDE[params.split(";")[0]!] ?? null };
    }
    const kind = CSI_FINAL[fin] ?? null;
    const modified = /;([2-8])$/.exec(params);
    if (modified && (kind === "left" || kind === "right")) {
      // Ctrl (5) or Alt (3) with an arrow moves by word.
      return { length, key: kind === "left" ? "wordLeft" : "wordRight" };
    }
    return { length, key: kind };
  }
  if (second === "O") {
    if (s.length < 3) return final ? { length: s.length, key: null } : "incomplete";
    return { length: 3, key: CSI_FINAL[s[2]!] ?? null };
  }
  // Alt + key.
  if (second === "\r" || second === "\n") return { length: 2, key: "newline" };
  if (second === "b" || second === "B") return { length: 2, key: "wordLeft" };
  if (second === "f" || second === "F") return { length: 2, key: "wordRight" };
  if (second === "\x7f" || second === "\b") return { length: 2, key: "deleteWordLeft" };
  if (second === "\x1b") return { length: 1, key: "escape" };
  return { length: 2, key: null };
}

/** Length of the longest suffix of `s` that is a proper prefix of `marker`. */
function partialSuffix(s: string, marker: string): number {
  for (let n = Math.min(s.length, marker.length - 1); n > 0; n--) {
    if (marker.startsWith(s.slice(s.length - n))) return n;
  }
  return 0;
}
