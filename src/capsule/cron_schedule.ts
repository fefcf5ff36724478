/**
 * Five-field cron schedules (`minute hour day-of-month month day-of-week`),
 * parsed into the sets of values each field allows. Each field is `*`, a
 * number, a range `a-b`, a step `*\/n` or `a-b/n`, or a comma list of those;
 * months and weekdays also take three-letter names (`JAN`, `MON`). Day of
 * week 7 is Sunday, like 0. No macros (`@daily`) and no seconds field.
 *
 * @module
 */

/** The values a schedule allows, per field, sorted. */
export interface CronFields {
  readonly minute: readonly number[];
  readonly hour: readonly number[];
  readonly dayOfMonth: readonly number[];
  readonly month: readonly number[];
  readonly dayOfWeek: readonly number[];
}

/** Result of {@link parseCronSchedule}. */
export type CronResult = { ok: true; fields: CronFields } | { ok: false; reason: string };

interface FieldSpec {
  readonly name: keyof CronFields;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: "minute", label: "minute", min: 0, max: 59 },
  { name: "hour", label: "hour", min: 0, max: 23 },
  { name: "dayOfMonth", label: "day of month", min: 1, max: 31 },
  {
    name: "month",
    label: "month",
    min: 1,
    max: 12,
    names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
  },
  {
    name: "dayOfWeek",
    label: "day of week",
    min: 0,
    max: 7,
    names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
  },
];

/** Parse `schedule`; the reason names the field and the offending text. */
export function parseCronSchedule(schedule: string): CronResult {
  const parts = schedule.trim().split(/\s+/);
  if (schedule.trim() === "" || parts.length !== 5) {
    return {
      ok: false,
      reason: `schedule "${schedule}" has ${
        schedule.trim() === "" ? 0 : parts.length
      } fields; expected 5 (minute hour day-of-month month day-of-week)`,
    };
  }
  const out: Partial<Record<keyof CronFields, number[]>> = {};
  for (let i = 0; i < FIELDS.length; i++) {
    const spec = FIELDS[i]!;
    const values = parseField(parts[i]!, spec);
    if (typeof values === "string") return { ok: false, reason: values };
    out[spec.name] = values;
  }
  // Sunday is both 0 and 7.
  const dow = new Set(out.dayOfWeek!.map((d) => d === 7 ? 0 : d));
  return {
    ok: true,
    fields: {
      minute: out.minute!,
      hour: out.hour!,
      dayOfMonth: out.dayOfMonth!,
      month: out.month!,
      dayOfWeek: [...dow].sort((a, b) => a - b),
    },
  };
}

function parseField(text: string, spec: FieldSpec): number[] | string {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    const problem = addItem(item, spec, values);
    if (problem) return `${spec.label} field "${text}": ${problem}`;
  }
  return [...values].sort((a, b) => a - b);
}

function addItem(item: string, spec: FieldSpec, into: Set<number>): string | undefined {
  if (item === "") return "empty list item";
  const [range, stepText, extra] = item.split("/");
  if (extra !== undefined) return `"${item}" has more than one "/"`;
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d{1,2}$/.test(stepText) || Number(stepText) === 0) {
      return `step "${stepText}" in "${item}" must be a number from 1 to ${spec.max}`;
    }
    step = Number(stepText);
  }
  let lo: number;
  let hi: number;
  if (range === "*") {
    [lo, hi] = [spec.min, spec.max];
  } else {
    const bounds = range!.split("-");
    if (bounds.length > 2) return `"${range}" is not a value or a range a-b`;
    const a = value(bounds[0]!, spec);
    if (typeof a === "string") return a;
    const b = bounds.length === 2 ? value(bounds[1]!, spec) : a;
    if (typeof b === "string") return b;
    if (bounds.length === 1 && stepText !== undefined) {
      return `"${item}": a step needs "*" or a range before "/"`;
    }
    if (b < a) return `range "${range}" runs backwards`;
    [lo, hi] = [a, b];
  }
  for (let v = lo; v <= hi; v += step) into.add(v);
  return undefined;
}

function value(text: string, spec: FieldSpec): number | string {
  const byName = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (byName >= 0) return spec.min === 1 ? byName + 1 : byName;
  if (!/^\d{1,2}$/.test(text)) {
    return `"${text}" is not a number${spec.names ? " or a name like " + spec.names[1] : ""}`;
  }
  const n = Number(text);
  if (n < spec.min || n > spec.max) {
    return `${n} is out of range; expected ${spec.min}-${spec.max}`;
  }
  return n;
}
