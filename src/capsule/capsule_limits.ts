/**
 * The hard limits of a WASM capsule. Each has a ceiling that configuration
 * may lower and never raise: 64 MiB of linear memory, 30 s per call (time
 * spent waiting for the human to approve a gated call is not counted),
 * bounded output, logs, files and HTTP responses.
 *
 * @module
 */

/** Every limit, resolved. */
export interface CapsuleLimits {
  /** Linear memory ceiling, a multiple of 64 KiB; also bounds host-side Extism blocks per call. */
  readonly memoryBytes: number;
  /** Wall-clock time per call (and for instantiation), waiting for approval excluded. */
  readonly callTimeoutMs: number;
  /** Largest output of one call. */
  readonly maxOutputBytes: number;
  /** Log bytes one call may write; past it `log` fails. */
  readonly maxLogBytesPerCall: number;
  /** Largest file `read-file` returns or `write-file` writes. */
  readonly maxFileBytes: number;
  /** Largest HTTP response body handed to the capsule. */
  readonly maxHttpResponseBytes: number;
  /** Time for one HTTP request, redirects included. */
  readonly httpTimeoutMs: number;
  /** Redirects followed by one `http-request`. */
  readonly maxRedirects: number;
}

/** The ceilings, which are also the defaults. */
export const CAPSULE_LIMIT_CEILINGS: CapsuleLimits = Object.freeze({
  memoryBytes: 64 * 1024 * 1024,
  callTimeoutMs: 30_000,
  maxOutputBytes: 16 * 1024 * 1024,
  maxLogBytesPerCall: 64 * 1024,
  maxFileBytes: 16 * 1024 * 1024,
  maxHttpResponseBytes: 8 * 1024 * 1024,
  httpTimeoutMs: 30_000,
  maxRedirects: 5,
});

/** Resolve `requested` against the ceilings; a value above its ceiling is an error, never clamped. */
export function resolveCapsuleLimits(
  requested: Partial<CapsuleLimits> = {},
): { ok: true; limits: CapsuleLimits } | { ok: false; reason: string } {
  const out: Record<string, number> = { ...CAPSULE_LIMIT_CEILINGS };
  for (const [key, value] of Object.entries(requested)) {
    if (value === undefined) continue;
    if (!(key in CAPSULE_LIMIT_CEILINGS)) {
      return { ok: false, reason: `unknown capsule limit "${key}"` };
    }
    const ceiling = CAPSULE_LIMIT_CEILINGS[key as keyof CapsuleLimits];
    const min = key === "maxRedirects" ? 0 : 1;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
      return { ok: false, reason: `capsule limit ${key} = ${value} is not an integer >= ${min}` };
    }
    if (value > ceiling) {
      return {
        ok: false,
        reason:
          `capsule limit ${key} = ${value} is above the ceiling ${ceiling}; limits can only be lowered`,
      };
    }
    if (key === "memoryBytes" && value % 65536 !== 0) {
      return {
        ok: false,
        reason: `capsule limit memoryBytes = ${value} is not a multiple of 65536 (one WASM page)`,
      };
    }
    out[key] = value;
  }
  return { ok: true, limits: out as unknown as CapsuleLimits };
}
