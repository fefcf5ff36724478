/**
 * An incremental parser for `text/event-stream` (WHATWG HTML, "Server-sent
 * events", 9.2.6 "Interpreting an event stream"), fed decoded text in chunks
 * that may split anywhere: inside a field, between CR and LF, or in the middle
 * of a multi-line event.
 *
 * - Lines end with CRLF, LF or CR.
 * - `:` starts a comment line (keep-alives); it is ignored.
 * - `field: value` drops one space after the colon; a line without a colon is
 *   a field with an empty value.
 * - `data` lines accumulate, joined by LF; an empty line dispatches the event
 *   if it has data (an event with no data lines is dropped, as the spec says).
 * - `event` sets the type (default `message`); `id`, `retry` and unknown
 *   fields are ignored: reconnection is not how LLM streams resume.
 * - An event still open when the stream ends is discarded: a cut stream never
 *   yields a half-received event.
 *
 * @module
 */

/** One dispatched server-sent event. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** Default limit on one event (its data and its current line), in UTF-16 code units. */
export const DEFAULT_MAX_EVENT_CHARS = 16 * 1024 * 1024;

/** Parses a server-sent event stream chunk by chunk. */
export class SseParser {
  #line = "";
  #skipLf = false;
  #started = false;
  #event = "";
  #data = "";
  #hasData = false;
  readonly #maxEventChars: number;

  constructor(options: { maxEventChars?: number } = {}) {
    this.#maxEventChars = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS;
  }

  /**
   * Feed the next chunk of text; complete events are appended to `out`.
   * Throws a `RangeError` when one event grows past the size limit (a hostile
   * or broken server must not grow memory without bound).
   */
  push(chunk: string, out: SseEvent[]): void {
    let text = chunk;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.#skipLf && text.length > 0) {
      this.#skipLf = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    let pos = 0;
    // Cached positions of the next CR and LF, so a chunk of many LF-only lines
    // is scanned once rather than once per line.
    let nextCr = text.indexOf("\r");
    let nextLf = text.indexOf("\n");
    while (pos < text.length) {
      if (nextCr !== -1 && nextCr < pos) nextCr = text.indexOf("\r", pos);
      if (nextLf !== -1 && nextLf < pos) nextLf = text.indexOf("\n", pos);
      const end = nextCr === -1 ? nextLf : nextLf === -1 ? nextCr : Math.min(nextCr, nextLf);
      if (end === -1) break;
      const piece = text.slice(pos, end);
      const line = this.#line.length > 0 ? this.#line + piece : piece;
      this.#line = "";
      this.#onLine(line, out);
      if (end === nextCr) {
        if (end + 1 === text.length) {
          this.#skipLf = true;
          pos = end + 1;
        } else {
          pos = text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
        }
      } else {
        pos = end + 1;
      }
    }
    if (pos < text.length) {
      this.#line += text.slice(pos);
      if (this.#line.length + this.#data.length > this.#maxEventChars) {
        throw new RangeError(
          `Cannot parse the event stream: one event exceeds ${this.#maxEventChars} characters`,
        );
      }
    }
  }

  #onLine(line: string, out: SseEvent[]): void {
    if (line.length === 0) {
      if (this.#hasData) out.push({ event: this.#event || "message", data: this.#data });
      this.#event = "";
      this.#data = "";
      this.#hasData = false;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ":" */) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* " " */) value = value.slice(1);
    if (field === "data") {
      this.#data = this.#hasData ? this.#data + "\n" + value : value;
      this.#hasData = true;
      if (this.#data.length > this.#maxEventChars) {
        throw new RangeError(
          `Cannot parse the event stream: one event exceeds ${this.#maxEventChars} characters`,
        );
      }
    } else if (field === "event") {
      this.#event = value;
    }
  }
}
