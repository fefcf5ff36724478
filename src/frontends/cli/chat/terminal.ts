/**
 * The `Terminal` port: what the REPL needs from a terminal (write, read raw
 * bytes, switch raw mode, width), the Deno implementation on the process's
 * stdin/stdout, and a fake for tests that is fed key bytes.
 *
 * @module
 */

/** A terminal the REPL owns while it runs. */
export interface Terminal {
  /** Columns now (it may be resized). */
  columns(): number;
  /** Write `text` as is (newlines are "\n"; the terminal adds carriage returns in raw mode). */
  write(text: string): void;
  /** The next chunk of input bytes; `null` at end of input. */
  read(): Promise<Uint8Array | null>;
  /** Raw mode: bytes arrive as typed, no echo, Ctrl-C is a byte rather than a signal. */
  setRaw(on: boolean): void;
}

const enc = new TextEncoder();

/** The process's terminal. */
export function denoTerminal(): Terminal {
  let raw = false;
  const buf = new Uint8Array(4096);
  return {
    columns() {
      try {
        return Deno.consoleSize().columns || 80;
      } catch {
        return 80;
      }
    },
    write(text) {
      // Raw mode turns off output post-processing: a bare "\n" would not return the carriage.
      let bytes = enc.encode(raw ? text.replace(/(?<!\r)\n/g, "\r\n") : text);
      while (bytes.length > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
    },
    async read() {
      const n = await Deno.stdin.read(buf);
      return n === null ? null : buf.slice(0, n);
    },
    setRaw(on) {
      if (!Deno.stdin.isTerminal()) return;
      Deno.stdin.setRaw(on);
      raw = on;
    },
  };
}

/** A terminal for tests: input is pushed, output collected. */
export class FakeTerminal implements Terminal {
  output = "";
  raw = false;
  width: number;
  readonly #chunks: (Uint8Array | null)[] = [];
  #waiter: ((chunk: Uint8Array | null) => void) | undefined;

  constructor(columns = 80) {
    this.width = columns;
  }

  columns(): number {
    return this.width;
  }

  write(text: string): void {
    this.output += text;
  }

  read(): Promise<Uint8Array | null> {
    if (this.#chunks.length > 0) return Promise.resolve(this.#chunks.shift()!);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  setRaw(on: boolean): void {
    this.raw = on;
  }

  /** Type `input` (a string of key bytes, or raw bytes). */
  type(input: string | Uint8Array): void {
    this.#push(typeof input === "string" ? enc.encode(input) : input);
  }

  /** End the input (Ctrl-D at the OS level, a closed pipe). */
  end(): void {
    this.#push(null);
  }

  #push(chunk: Uint8Array | null): void {
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w(chunk);
    } else this.#chunks.push(chunk);
  }
}
