// Day arithmetic for builds: days are UTC calendar dates written YYYY-MM-DD.
import { usageError } from './errors.ts';

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

export function isDay(s: string): boolean {
  if (!DAY_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Checks a --flag value that must be a day; a usage error (exit 2) names the flag. */
export function parseDayFlag(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isDay(value)) throw usageError(`${flag} must be a date YYYY-MM-DD, got '${value}'`);
  return value;
}

export interface DayRangeFlags {
  from?: string;
  to?: string;
}

/** Checks --from/--to (YYYY-MM-DD, from ≤ to; either may be absent); a usage error (exit 2) names the flag. */
export function parseDayRangeFlags(flags: DayRangeFlags): DayRangeFlags {
  const from = parseDayFlag('--from', flags.from);
  const to = parseDayFlag('--to', flags.to);
  if (from && to && from > to) throw usageError(`--from ${from} is after --to ${to}`);
  return { from, to };
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * MS_PER_DAY).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY);
}

export interface DayRange {
  from: string;
  to: string;
}

/**
 * The one contiguous range covering every given day. dbt's incremental
 * models take a single from/to pair, so a late file for an early day widens
 * the range to everything in between.
 */
export function coveringRange(days: Iterable<string>): DayRange | null {
  const sorted = [...new Set(days)].sort();
  if (sorted.length === 0) return null;
  return { from: sorted[0], to: sorted[sorted.length - 1] };
}

/** Splits [from, to] into consecutive ranges of at most `chunkDays` days. */
export function chunkRange(range: DayRange, chunkDays: number): DayRange[] {
  if (!Number.isInteger(chunkDays) || chunkDays < 1) throw usageError(`--chunk-days must be a whole number ≥ 1, got '${chunkDays}'`);
  if (range.from > range.to) throw usageError(`--from ${range.from} is after --to ${range.to}`);
  const out: DayRange[] = [];
  for (let from = range.from; from <= range.to; from = addDays(from, chunkDays)) {
    const end = addDays(from, chunkDays - 1);
    out.push({ from, to: end < range.to ? end : range.to });
  }
  return out;
}
