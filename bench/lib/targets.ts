// The performance targets of the benchmark issue, and how a figure is judged
// against one. A figure that could not be measured is never "met".

export const TARGETS = {
  /** load, lines per second of wall time */
  loadLinesPerSecond: 300_000,
  /** load rate ÷ DuckDB's own read_json → Parquet rate on the same files */
  loadVsNative: 0.5,
  /** size L, nightly end to end, seconds */
  lEndToEndSeconds: 300,
  /** size L, peak RSS of every process, KiB (4 GiB) */
  lPeakRssKb: 4 * 1024 * 1024,
  /** nightly seconds with 90 days of history ÷ with 7 days */
  historyRatio: 1.3,
  /** multi-device 90-day full build ÷ the baseline's all-days self-join */
  backfillVsBaseline: 0.5,
} as const;

export type Met = 'yes' | 'NO' | 'n/a' | 'unmeasured';

export interface TargetCheck {
  name: string;
  value: number | boolean | null;
  target: string;
  met: Met;
}

export function atLeast(value: number | null | undefined, limit: number): Met {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'unmeasured';
  return value >= limit ? 'yes' : 'NO';
}

export function atMost(value: number | null | undefined, limit: number | null | undefined): Met {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'unmeasured';
  if (limit === null || limit === undefined || !Number.isFinite(limit)) return 'unmeasured';
  return value <= limit ? 'yes' : 'NO';
}

export function below(value: number | null | undefined, limit: number): Met {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'unmeasured';
  return value < limit ? 'yes' : 'NO';
}

export function isTrue(value: boolean | null | undefined): Met {
  if (value === null || value === undefined) return 'unmeasured';
  return value ? 'yes' : 'NO';
}
