/**
 * The real terminal behind `CliIo`.
 *
 * @module
 */

import type { CliIo } from "./context.ts";

const enc = new TextEncoder();

function writeAll(fd: { writeSync(p: Uint8Array): number }, text: string): void {
  let buf = enc.encode(text);
  while (buf.length > 0) buf = buf.subarray(fd.writeSync(buf));
}

/** A `CliIo` on the process's stdin, stdout and stderr. */
export function denoIo(): CliIo {
  return {
    stdout: (t) => writeAll(Deno.stdout, t),
    stderr: (t) => writeAll(Deno.stderr, t),
    isTerminal: Deno.stdin.isTerminal() && Deno.stdout.isTerminal(),
    async prompt(question, options) {
      writeAll(Deno.stderr, question);
      const secret = options?.secret === true && Deno.stdin.isTerminal();
      if (secret) Deno.stdin.setRaw(true);
      try {
        return await readLine(secret);
      } finally {
        if (secret) {
          Deno.stdin.setRaw(false);
          writeAll(Deno.stderr, "\n");
        }
      }
    },
  };
}

async function readLine(raw: boolean): Promise<string | null> {
  const bytes: number[] = [];
  const one = new Uint8Array(1);
  while (true) {
    const n = await Deno.stdin.read(one);
    if (n === null) return bytes.length ? new TextDecoder().decode(new Uint8Array(bytes)) : null;
    const b = one[0]!;
    if (b === 0x0a || b === 0x0d) break;
    if (raw && b === 0x03) throw new Deno.errors.Interrupted("cancelled");
    if (raw && (b === 0x7f || b === 0x08)) {
      bytes.pop();
      continue;
    }
    bytes.push(b);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
