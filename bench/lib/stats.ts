// Summaries of repeated measurements: the median is what the bench quotes,
// min and max show the spread between runs.

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Median of the numbers; the mean of the middle two for an even count. */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, min and max of the non-null values; null when there are none. */
export function summarize(values: Array<number | null | undefined>): Summary | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return null;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

/** Largest of the non-null values, or null (used for peak RSS across runs). */
export function maxOf(values: Array<number | null | undefined>): number | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return xs.length ? Math.max(...xs) : null;
}
