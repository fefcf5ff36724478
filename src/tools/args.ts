/**
 * Strict argument readers for the tools: unknown keys and wrong types are
 * refused with a message naming the tool, the field and what was expected.
 *
 * @module
 */

/** Reads one tool's arguments. */
export class Args {
  readonly #o: Record<string, unknown>;
  readonly #tool: string;

  constructor(tool: string, raw: unknown, allowed: readonly string[]) {
    this.#tool = tool;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new TypeError(`${tool}: expected an object of arguments, got ${describe(raw)}`);
    }
    for (const k of Object.keys(raw)) {
      if (!allowed.includes(k)) {
        throw new TypeError(`${tool}: unknown argument "${k}" (expected ${allowed.join(", ")})`);
      }
    }
    this.#o = raw as Record<string, unknown>;
  }

  string(key: string): string;
  string(key: string, optional: true): string | undefined;
  string(key: string, optional = false): string | undefined {
    const v = this.#o[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== "string") throw this.#bad(key, "a string", v);
    return v;
  }

  nonEmpty(key: string): string {
    const v = this.string(key);
    if (v.length === 0) throw this.#bad(key, "a non-empty string", v);
    return v;
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.#o[key];
    if (v === undefined) return undefined;
    if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) {
      throw this.#bad(key, `a whole number from ${min} to ${max}`, v);
    }
    return v as number;
  }

  bool(key: string): boolean | undefined {
    const v = this.#o[key];
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") throw this.#bad(key, "true or false", v);
    return v;
  }

  #bad(key: string, expected: string, got: unknown): TypeError {
    return new TypeError(
      `${this.#tool}: argument "${key}" must be ${expected}, got ${describe(got)}`,
    );
  }
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  const s = JSON.stringify(v);
  return typeof v === "string"
    ? s.length > 60 ? `${s.slice(0, 57)}..."` : s
    : `${typeof v} ${s?.slice(0, 40)}`;
}
