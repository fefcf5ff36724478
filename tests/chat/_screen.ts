/**
 * A tiny terminal emulator for REPL tests: applies the text and the few
 * escape sequences the REPL writes (cursor up/down/column, clear to end of
 * screen, clear line, clear screen; colours ignored) to a grid, with the
 * right-margin wrap of a real terminal, so a test can assert what is on the
 * screen rather than what was written.
 *
 * @module
 */

import { codePointWidth } from "../../src/frontends/cli/chat/ansi.ts";

/** The visible lines after writing `output` to a `columns`-wide terminal, trailing blanks trimmed. */
export function screenOf(output: string, columns = 80): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  let pendingWrap = false;
  const line = (r: number) => (rows[r] ??= []);
  const put = (ch: string) => {
    const w = Math.max(1, codePointWidth(ch.codePointAt(0)!));
    if (pendingWrap || col + w > columns) {
      row++;
      col = 0;
      pendingWrap = false;
    }
    const l = line(row);
    while (l.length < col) l.push(" ");
    l[col] = ch;
    if (w === 2) l[col + 1] = "";
    col += w;
    if (col >= columns) {
      col = columns - 1;
      pendingWrap = true;
    }
  };
  let i = 0;
  while (i < output.length) {
    const c = output[i]!;
    if (c === "\x1b") {
      // deno-lint-ignore no-control-regex
      const csi = /^\x1b\[([0-9;?]*)([A-Za-z~])/.exec(output.slice(i, i + 16));
      if (csi) {
        const n = Number(csi[1]!.split(";")[0] || "1");
        pendingWrap = false;
        switch (csi[2]) {
          case "A":
            row = Math.max(0, row - n);
            break;
          case "B":
            row += n;
            break;
          case "G":
            col = n - 1;
            break;
          case "H":
            row = 0;
            col = 0;
            break;
          case "J":
            if (csi[1] === "2") rows.length = 0;
            else {
              line(row).length = Math.min(line(row).length, col);
              rows.length = Math.min(rows.length, row + 1);
            }
            break;
          case "K":
            if (csi[1] === "2") rows[row] = [];
            else line(row).length = Math.min(line(row).length, col);
            break;
        }
        i += csi[0].length;
        continue;
      }
      // deno-lint-ignore no-control-regex
      const osc = /^\x1b\][^\x07]*\x07/.exec(output.slice(i));
      i += osc ? osc[0].length : 1;
      continue;
    }
    if (c === "\r") {
      col = 0;
      pendingWrap = false;
    } else if (c === "\n") {
      row++;
      col = 0;
      pendingWrap = false;
    } else {
      const ch = String.fromCodePoint(output.codePointAt(i)!);
      put(ch);
      i += ch.length;
      continue;
    }
    i++;
  }
  const out = Array.from({ length: rows.length }, (_, r) => (rows[r] ?? []).join("").trimEnd());
  while (out.length > 0 && out.at(-1) === "") out.pop();
  return out;
}
