/**
 * Strict readers for built-in tool arguments. Unknown keys are refused: a
 * field the classifier ignored but the tool obeyed would be an action nobody
 * checked.
 *
 * @module
 */

/** A reader over one tool's argument object; each getter throws `TypeError`. */
export class ToolArgs {
  readonly #tool: string;
  readonly #args: Record<string, unknown>;

  private constructor(tool: string, args: Record<string, unknown>) {
    this.#tool = tool;
    this.#args = args;
  }

  /** Check `args` is a plain object whose keys are all in `allowed`. */
  static of(tool: string, args: unknown, allowed: readonly string[]): ToolArgs {
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
      throw new TypeError(`${tool}: expected a JSON object of arguments, got ${describe(args)}`);
    }
    const proto = Object.getPrototypeOf(args);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`${tool}: expected a plain JSON object of arguments`);
    }
    for (const key of Object.keys(args)) {
      if (!allowed.includes(key)) {
        throw new TypeError(
          `${tool}: unknown argument "${key}" (expected ${
            allowed.map((k) => `"${k}"`).join(", ")
          })`,
        );
      }
    }
    return new ToolArgs(tool, args as Record<string, unknown>);
  }

  /** A required non-empty string. */
  string(key: string): string {
    const v = this.#args[key];
    if (typeof v !== "string" || v.length === 0) {
      throw new TypeError(`${this.#tool}: "${key}" must be a non-empty string, got ${describe(v)}`);
    }
    return v;
  }

  /** A required string that may be empty (file content, replacement text). */
  text(key: string): string {
    const v = this.#args[key];
    if (typeof v !== "string") {
      throw new TypeError(`${this.#tool}: "${key}" must be a string, got ${describe(v)}`);
    }
    return v;
  }

  /** An optional non-empty string. */
  optionalString(key: string): string | undefined {
    return this.#args[key] === undefined ? undefined : this.string(key);
  }

  /** An optional whole number `>= min`. */
  optionalInt(key: string, min: number): number | undefined {
    const v = this.#args[key];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
      throw new TypeError(
        `${this.#tool}: "${key}" must be a whole number >= ${min}, got ${describe(v)}`,
      );
    }
    return v;
  }

  /** An optional finite number `> 0`. */
  optionalPositive(key: string): number | undefined {
    const v = this.#args[key];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      throw new TypeError(`${this.#tool}: "${key}" must be a positive number, got ${describe(v)}`);
    }
    return v;
  }

  /** An optional boolean. */
  optionalBoolean(key: string): boolean | undefined {
    const v = this.#args[key];
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") {
      throw new TypeError(`${this.#tool}: "${key}" must be true or false, got ${describe(v)}`);
    }
    return v;
  }

  /** An optional array of non-empty strings. */
  optionalStrings(key: string): string[] | undefined {
    const v = this.#args[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string" || s.length === 0)) {
      throw new TypeError(
        `${this.#tool}: "${key}" must be an array of non-empty strings, got ${describe(v)}`,
      );
    }
    return v as string[];
  }
}

/** A short, quoted rendering of a bad value for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
