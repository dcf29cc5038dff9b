// Which days the report covers: --from/--to when given, otherwise the days
// the KPI tables hold. A flag outside the data still gives a range (its
// charts say "no data in range"); only a reversed pair of flags is an error.
import type { DayRange, DayRangeFlags } from '../lib/days.ts';

export type RangeFlags = DayRangeFlags;

/** The report's days; null only when no flag is given and the KPI tables are empty. */
export function resolveRange(flags: RangeFlags, available: DayRange | null): DayRange | null {
  let from = flags.from ?? available?.from;
  let to = flags.to ?? available?.to;
  if (!from && !to) return null;
  from ??= to!;
  to ??= from;
  // one flag beyond the data's other end: the range is that one day
  if (from > to) {
    if (flags.from) to = from;
    else from = to;
  }
  return { from, to };
}
