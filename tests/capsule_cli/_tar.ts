/**
 * A tar writer for tests: well-formed archives and hostile ones (links,
 * devices, `../` names, absolute names, broken checksums), written byte by
 * byte so nothing normalises them first.
 *
 * @module
 */

/** One raw entry. */
export interface TarItem {
  readonly name: string;
  /** ustar type flag: "0" file, "1" hard link, "2" symlink, "3" char device, "5" folder, "6" FIFO, "L"/"x" long names. */
  readonly type?: string;
  readonly data?: string | Uint8Array;
  readonly mode?: number;
  readonly linkname?: string;
  readonly prefix?: string;
  readonly badChecksum?: boolean;
}

const enc = new TextEncoder();

/** The archive bytes of `items` (uncompressed), with the end-of-archive blocks. */
export function tar(items: readonly TarItem[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const item of items) {
    const data = typeof item.data === "string"
      ? enc.encode(item.data)
      : item.data ?? new Uint8Array();
    const h = new Uint8Array(512);
    const put = (at: number, len: number, s: string) => h.set(enc.encode(s).subarray(0, len), at);
    const octal = (at: number, len: number, n: number) =>
      put(at, len, `${n.toString(8).padStart(len - 1, "0")}\0`);
    put(0, 100, item.name);
    octal(100, 8, item.mode ?? (item.type === "5" ? 0o755 : 0o644));
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, data.length);
    octal(136, 12, 0);
    put(156, 1, item.type ?? "0");
    put(157, 100, item.linkname ?? "");
    put(257, 6, "ustar\0");
    put(263, 2, "00");
    put(345, 155, item.prefix ?? "");
    h.fill(32, 148, 156);
    let sum = h.reduce((a, b) => a + b, 0);
    if (item.badChecksum) sum += 1;
    put(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
    blocks.push(h);
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** gzip `bytes`. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A pax extended header record (`<len> <key>=<value>\n`). */
export function paxRecord(key: string, value: string): string {
  // The length counts bytes, its own digits included.
  const bytes = (s: string) => enc.encode(s).length;
  const body = ` ${key}=${value}\n`;
  let len = bytes(body) + 1;
  while (bytes(`${len}${body}`) !== len) len = bytes(`${len}${body}`);
  return `${len}${body}`;
}
