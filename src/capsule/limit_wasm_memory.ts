/**
 * Give a WebAssembly module's memory a maximum before it is instantiated.
 *
 * Invariant: the memory ceiling is a property of the module itself, so
 * `memory.grow` past it fails inside the guest (returns -1) whatever the
 * embedder's options say. Extism's `memory.maxPages` only limits host-side
 * blocks; a guest `memory.grow` to 1 GiB succeeds under it (measured in
 * ../shared/notes/toolchain.md). So the memory section (id 5) and memory
 * imports in the import section (id 2) are re-encoded with
 * `max = min(declared max, limit)`; every other byte is copied unchanged.
 *
 * Refused: components (not core modules), more than one memory, 64-bit
 * memories, custom page sizes, an initial size above the limit, and any
 * malformed or truncated section (with the byte offset).
 *
 * Binary format: WebAssembly Core Specification 2.0, section 5 (binary
 * format): 5.5.2 sections, 5.5.5 import section, 5.5.8 memory section,
 * 5.3.7 limits; integers are unsigned LEB128 (5.2.2).
 *
 * @module
 */

/** Bytes per WebAssembly page. */
export const WASM_PAGE_BYTES = 65536;

/** A memory as found in the module. */
export interface MemoryLimits {
  readonly imported: boolean;
  readonly min: number;
  /** Declared maximum before the rewrite (`null` = none). */
  readonly declaredMax: number | null;
  /** Maximum after the rewrite. */
  readonly max: number;
}

/** Result of {@link limitWasmMemory}. */
export type LimitedModule =
  | { ok: true; bytes: Uint8Array<ArrayBuffer>; memories: readonly MemoryLimits[] }
  | { ok: false; reason: string };

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const SECTION_IMPORT = 2;
const SECTION_MEMORY = 5;

class Truncated extends Error {}

/** A cursor over module bytes that throws {@link Truncated} past the end. */
class Reader {
  pos: number;
  constructor(readonly bytes: Uint8Array, start: number, readonly end: number) {
    this.pos = start;
  }
  byte(): number {
    if (this.pos >= this.end) throw new Truncated(`unexpected end at byte ${this.pos}`);
    return this.bytes[this.pos++]!;
  }
  /** Unsigned LEB128, at most 32 bits (5 bytes). */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new Truncated(`LEB128 value too large at byte ${this.pos}`);
        return result;
      }
      shift += 7;
    }
    throw new Truncated(`LEB128 longer than 5 bytes at byte ${this.pos}`);
  }
  /** Signed LEB128 up to 33 bits (heap types), value discarded. */
  skipS33(): void {
    for (let i = 0; i < 5; i++) if ((this.byte() & 0x80) === 0) return;
    throw new Truncated(`LEB128 longer than 5 bytes at byte ${this.pos}`);
  }
  skip(n: number): void {
    if (this.pos + n > this.end) throw new Truncated(`unexpected end at byte ${this.end}`);
    this.pos += n;
  }
}

/** Rewrite `module` so that its memory can never exceed `maxPages` pages. */
export function limitWasmMemory(module: Uint8Array, maxPages: number): LimitedModule {
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > 65536) {
    return { ok: false, reason: `memory limit ${maxPages} pages is not between 1 and 65536` };
  }
  if (module.length < 8 || MAGIC.some((b, i) => module[i] !== b)) {
    return { ok: false, reason: "not a WebAssembly module (bad magic number)" };
  }
  if (module[4] !== 1 || module[5] !== 0 || module[6] !== 0 || module[7] !== 0) {
    return {
      ok: false,
      reason: `unsupported WebAssembly binary version/layer ${
        [...module.subarray(4, 8)].join(",")
      } (a component?); expected a core module, version 1`,
    };
  }
  try {
    return rewrite(module, maxPages);
  } catch (e) {
    if (e instanceof Truncated) return { ok: false, reason: `malformed module: ${e.message}` };
    throw e;
  }
}

function rewrite(module: Uint8Array, maxPages: number): LimitedModule {
  const out: Uint8Array[] = [module.subarray(0, 8)];
  const memories: MemoryLimits[] = [];
  const r = new Reader(module, 8, module.length);
  while (r.pos < module.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const bodyStart = r.pos;
    r.skip(size);
    if (id !== SECTION_IMPORT && id !== SECTION_MEMORY) {
      out.push(module.subarray(start, r.pos));
      continue;
    }
    const body = new Reader(module, bodyStart, bodyStart + size);
    const rewritten = id === SECTION_IMPORT
      ? rewriteImports(body, maxPages, memories)
      : rewriteMemories(body, maxPages, memories);
    if (typeof rewritten === "string") return { ok: false, reason: rewritten };
    if (body.pos !== body.end) {
      return { ok: false, reason: `malformed module: section ${id} has trailing bytes` };
    }
    out.push(Uint8Array.of(id), leb(rewritten.length), rewritten);
  }
  if (memories.length > 1) {
    return {
      ok: false,
      reason: `module declares ${memories.length} memories; a capsule may have at most one`,
    };
  }
  return { ok: true, bytes: concat(out), memories };
}

function rewriteImports(
  r: Reader,
  maxPages: number,
  memories: MemoryLimits[],
): Uint8Array | string {
  const parts: Uint8Array[] = [];
  const count = r.u32();
  parts.push(leb(count));
  for (let i = 0; i < count; i++) {
    const start = r.pos;
    r.skip(r.u32()); // module name
    r.skip(r.u32()); // field name
    const kind = r.byte();
    switch (kind) {
      case 0x00: // function: type index
        r.u32();
        break;
      case 0x01: // table: reftype + limits
        skipRefType(r);
        readLimits(r);
        break;
      case 0x02: { // memory
        parts.push(r.bytes.subarray(start, r.pos));
        const limited = limitMemory(r, maxPages, true, memories);
        if (typeof limited === "string") return limited;
        parts.push(limited);
        continue;
      }
      case 0x03: // global: valtype + mutability
        skipValType(r);
        r.byte();
        break;
      case 0x04: // tag: attribute + type index
        r.byte();
        r.u32();
        break;
      default:
        return `malformed module: unknown import kind 0x${kind.toString(16)} at byte ${r.pos - 1}`;
    }
    parts.push(r.bytes.subarray(start, r.pos));
  }
  return concat(parts);
}

function rewriteMemories(
  r: Reader,
  maxPages: number,
  memories: MemoryLimits[],
): Uint8Array | string {
  const count = r.u32();
  const parts: Uint8Array[] = [leb(count)];
  for (let i = 0; i < count; i++) {
    const limited = limitMemory(r, maxPages, false, memories);
    if (typeof limited === "string") return limited;
    parts.push(limited);
  }
  return concat(parts);
}

function limitMemory(
  r: Reader,
  maxPages: number,
  imported: boolean,
  memories: MemoryLimits[],
): Uint8Array | string {
  const at = r.pos;
  const { flags, min, max } = readLimits(r);
  if (flags & 0x04) return `64-bit memory at byte ${at} is not supported`;
  if (flags & 0x08) return `custom page size at byte ${at} is not supported`;
  if (flags & ~0x03) return `malformed module: memory limits flags 0x${flags.toString(16)}`;
  const what = imported ? "imported memory" : "memory";
  if (min > maxPages) {
    return `${what} starts at ${min} pages (${mib(min)}), above the limit of ${maxPages} pages (${
      mib(maxPages)
    })`;
  }
  const newMax = max === null ? maxPages : Math.min(max, maxPages);
  memories.push({ imported, min, declaredMax: max, max: newMax });
  // Bit 0 "has max" set, the shared bit kept.
  return concat([Uint8Array.of(flags | 0x01), leb(min), leb(newMax)]);
}

function readLimits(r: Reader): { flags: number; min: number; max: number | null } {
  const flags = r.byte();
  const min = r.u32();
  const max = flags & 0x01 ? r.u32() : null;
  return { flags, min, max };
}

function skipRefType(r: Reader): void {
  const t = r.byte();
  // GC proposal: (ref null? ht) is 0x63/0x64 followed by a heap type.
  if (t === 0x63 || t === 0x64) r.skipS33();
}

function skipValType(r: Reader): void {
  skipRefType(r);
}

function mib(pages: number): string {
  return `${(pages * WASM_PAGE_BYTES) / (1024 * 1024)} MiB`;
}

/** Unsigned LEB128 encoding of `n` (0 <= n < 2^32). */
export function leb(n: number): Uint8Array {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Uint8Array.from(out);
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
