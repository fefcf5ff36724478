/**
 * "Did you mean" for unknown keys: the known name with the smallest edit
 * distance, when it is close enough to be a plausible typo.
 *
 * @module
 */

/** The closest of `candidates` to `input`, or `undefined` when none is close. */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const a = input.toLowerCase();
  for (const c of candidates) {
    const b = c.toLowerCase();
    // A dropped or added unit suffix (`bash_timeout` for `bash_timeout_secs`) is a near miss.
    const affix = a.length >= 4 && b.length >= 4 && (a.startsWith(b) || b.startsWith(a));
    const d = affix ? 1 : editDistance(a, b);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  const limit = Math.max(2, Math.floor(input.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** Levenshtein distance, capped work for long inputs (config keys are short). */
export function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return a === b ? 0 : Math.max(a.length, b.length);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[b.length]!;
}
