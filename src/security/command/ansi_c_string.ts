/**
 * Decoding of bash ANSI-C quoting (`$'...'`), so `$'\x73udo'` is read as the
 * program `sudo` and not as an opaque string.
 *
 * @module
 */

const SIMPLE: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "?": "?",
};

/**
 * Decode the body of `$'...'` (without the quotes) the way bash does:
 * `\n`-style escapes, `\NNN` octal, `\xHH`, `\uHHHH`, `\UHHHHHHHH`, `\cX`.
 * An unknown escape keeps its backslash, as in bash.
 */
export function decodeAnsiC(body: string): string {
  let out = "";
  let i = 0;
  while (i < body.length) {
    const ch = body[i]!;
    if (ch !== "\\" || i + 1 >= body.length) {
      out += ch;
      i++;
      continue;
    }
    const e = body[i + 1]!;
    const simple = SIMPLE[e];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else if (e >= "0" && e <= "7") {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(m, 8) & 0xff);
      i += 1 + m.length;
    } else if (e === "x" || e === "u" || e === "U") {
      const max = e === "x" ? 2 : e === "u" ? 4 : 8;
      const m = new RegExp(`^[0-9a-fA-F]{1,${max}}`).exec(body.slice(i + 2));
      if (m === null) {
        out += "\\" + e;
        i += 2;
      } else {
        const cp = parseInt(m[0], 16);
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : "\ufffd";
        i += 2 + m[0].length;
      }
    } else if (e === "c" && i + 2 < body.length) {
      out += String.fromCharCode(body.charCodeAt(i + 2) & 0x1f);
      i += 3;
    } else {
      out += "\\" + e;
      i += 2;
    }
  }
  return out;
}
