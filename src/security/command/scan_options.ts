/**
 * getopt-style reading of a program's arguments, from a small description of
 * which options take a value. Used to find the wrapped command of `timeout`,
 * `env`, `sudo`, ... and the file operands of `cp`, `grep`, `tar`, ...
 *
 * Invariant: an option we do not know is reported (`unknown`), so a wrapper
 * can refuse to guess where its command starts.
 *
 * @module
 */

import type { Arg } from "./word_value.ts";

/** Which options a program has. */
export interface OptionSpec {
  /** Short options without a value (`"v"` for `-v`). */
  readonly flags?: string;
  /** Short options with a value, attached (`-n5`) or in the next word (`-n 5`). */
  readonly values?: string;
  /** Short options whose value is optional and only attached (`xargs -i{}`). */
  readonly optional?: string;
  /** Long options without a value (an attached `--x=v` is accepted too). */
  readonly longFlags?: readonly string[];
  /** Long options with a value (`--signal=KILL` or `--signal KILL`). */
  readonly longValues?: readonly string[];
  /** `-5`-style numeric options (`nice -5`). */
  readonly numeric?: boolean;
  /** Options may follow operands (GNU argument permutation). */
  readonly permute?: boolean;
}

/** One option read, with its value when it has one. */
export interface ScannedOption {
  /** `-n` or `--signal` (long names are resolved from unique prefixes). */
  readonly name: string;
  readonly value: Arg | null;
}

/** Result of {@link scanOptions}. */
export interface Scanned {
  readonly options: readonly ScannedOption[];
  readonly operands: readonly Arg[];
  /** Index in the input of the first operand (or `args.length`). */
  readonly firstOperand: number;
  /** The first option not described by the spec, if any (read as a flag). */
  readonly unknown: string | null;
}

/** Read `args` according to `spec`; without `permute`, stop at the first operand. */
export function scanOptions(args: readonly Arg[], spec: OptionSpec): Scanned {
  const options: ScannedOption[] = [];
  const operands: Arg[] = [];
  let firstOperand = -1;
  let unknown: string | null = null;
  let i = 0;
  const noteUnknown = (name: string) => {
    unknown ??= name;
  };
  for (; i < args.length; i++) {
    const a = args[i]!;
    const t = a.text;
    if (t === "--") {
      i++;
      break;
    }
    if (t === null || !t.startsWith("-") || t === "-") {
      if (firstOperand < 0) firstOperand = i;
      if (!spec.permute) break;
      operands.push(a);
      continue;
    }
    if (t.startsWith("--")) {
      const eq = t.indexOf("=");
      const written = eq < 0 ? t.slice(2) : t.slice(2, eq);
      const name = resolveLong(written, spec);
      if (name === null) {
        noteUnknown(`--${written}`);
        options.push({ name: `--${written}`, value: null });
        continue;
      }
      if (eq >= 0) {
        options.push({ name: `--${name}`, value: attached(a, t.slice(eq + 1)) });
      } else if (spec.longValues?.includes(name)) {
        options.push({ name: `--${name}`, value: args[i + 1] ?? null });
        i++;
      } else options.push({ name: `--${name}`, value: null });
      continue;
    }
    if (spec.numeric && /^-\d+$/.test(t)) {
      options.push({ name: t, value: null });
      continue;
    }
    for (let j = 1; j < t.length; j++) {
      const letter = t[j]!;
      const rest = t.slice(j + 1);
      if (spec.values?.includes(letter)) {
        if (rest !== "") options.push({ name: `-${letter}`, value: attached(a, rest) });
        else {
          options.push({ name: `-${letter}`, value: args[i + 1] ?? null });
          i++;
        }
        break;
      }
      if (spec.optional?.includes(letter)) {
        options.push({ name: `-${letter}`, value: rest === "" ? null : attached(a, rest) });
        break;
      }
      if (!spec.flags?.includes(letter)) noteUnknown(`-${letter}`);
      options.push({ name: `-${letter}`, value: null });
    }
  }
  if (!spec.permute) {
    const first = firstOperand >= 0 ? firstOperand : i;
    return { options, operands: args.slice(first), firstOperand: first, unknown };
  }
  for (let k = i; k < args.length; k++) operands.push(args[k]!);
  return { options, operands, firstOperand: firstOperand >= 0 ? firstOperand : i, unknown };
}

function attached(a: Arg, rest: string): Arg {
  return {
    text: rest,
    prefix: rest,
    pattern: a.pattern,
    tilde: rest.startsWith("~"),
    source: rest,
  };
}

function resolveLong(written: string, spec: OptionSpec): string | null {
  const all = [...(spec.longFlags ?? []), ...(spec.longValues ?? [])];
  if (all.includes(written)) return written;
  const matches = all.filter((n) => n.startsWith(written));
  return matches.length === 1 && written.length > 0 ? matches[0]! : null;
}

/** Does `options` contain one of `names`? */
export function hasOption(scanned: Scanned, ...names: string[]): boolean {
  return scanned.options.some((o) => names.includes(o.name));
}

/** Values of the options named `names`, in order. */
export function optionValues(scanned: Scanned, ...names: string[]): Arg[] {
  const out: Arg[] = [];
  for (const o of scanned.options) {
    if (names.includes(o.name) && o.value !== null) out.push(o.value);
  }
  return out;
}
