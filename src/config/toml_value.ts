/**
 * Format a config value as a TOML value (inline form), for `config show`, the
 * reference table and the `init` template.
 *
 * @module
 */

const BARE = /^[A-Za-z0-9_-]+$/;

/** `value` as TOML; `float` writes whole numbers as `5.0`. */
export function tomlValue(value: unknown, float = false): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return float && Number.isInteger(value) ? `${value}.0` : String(value);
  }
  if (typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map((v) => tomlValue(v)).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const parts = Object.keys(value).map((k) =>
      `${tomlKey(k)} = ${tomlValue((value as Record<string, unknown>)[k])}`
    );
    return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
  }
  throw new TypeError(`Cannot write ${String(value)} as TOML: expected a TOML value`);
}

/** A key, quoted when it is not a bare key. */
export function tomlKey(key: string): string {
  return BARE.test(key) ? key : JSON.stringify(key);
}
