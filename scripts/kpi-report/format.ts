// How numbers appear in the report's tables and tooltips. One place, so the
// table under a chart and the chart's hover text always say the same.
export type Format = 'text' | 'int' | 'mean' | 'ratio' | 'pct' | 'ms';

export type Cell = string | number | null;

const grouped = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Text of a value: integers grouped, ratios to 4 places, shares as percent with 1 place, durations in whole ms. */
export function formatValue(value: Cell, format: Format): string {
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return '—';
  if (format === 'text' || typeof value === 'string') return String(value);
  switch (format) {
    case 'int':
      return grouped(value, 0);
    case 'mean':
      return grouped(value, 1);
    case 'ratio':
      return value.toFixed(4);
    case 'pct':
      return `${(value * 100).toFixed(1)}%`;
    case 'ms':
      return `${grouped(value, 0)} ms`;
  }
}
