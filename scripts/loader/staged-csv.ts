// How rows are staged for DuckDB: CSV without a header, one row per line,
// every string quoted ("" doubles a quote inside) and NULL as an empty
// unquoted field, so that the empty string and NULL stay apart
// (allow_quoted_nulls = false). Quoted fields may hold any character,
// newlines and NUL included, so every string crosses verbatim.
// The first field is _ord = file index * 2^32 + line number: it keeps input
// order (the first occurrence of a duplicate wins) and gives back the
// lineage columns without repeating the file path on every row. The `day`
// partition and the lineage columns are derived in SQL (duckdb-writer.ts).
import type { RawTable } from '../lib/paths.ts';
import { LINEAGE_COLUMNS, RAW_COLUMNS, type ActivityRow, type FlowRow, type RawRow } from './raw-schema.ts';

/** Staged columns per table, in CSV order (after _ord): the raw columns less the lineage, which the writer adds. */
export const STAGED_COLUMNS: Record<RawTable, readonly (readonly [string, string])[]> = {
  flow_events: stagedColumns('flow_events'),
  activity_events: stagedColumns('activity_events'),
};

function stagedColumns(table: RawTable): (readonly [string, string])[] {
  const lineage = new Set(LINEAGE_COLUMNS.map(([name]) => name));
  return RAW_COLUMNS[table].filter(([name]) => !lineage.has(name));
}

/** File index and line number packed into one BIGINT-safe number (lines < 2^32, files < 2^21). */
export const LINE_BITS = 2 ** 32;
export const ordOf = (fileIndex: number, line: number): number => fileIndex * LINE_BITS + line;

const q = (s: string | null): string => (s === null ? '' : s.includes('"') ? `"${s.replaceAll('"', '""')}"` : `"${s}"`);

export function flowCsv(ord: number, r: FlowRow): string {
  return (
    `${ord},${r.time_ms},${r.flow_time},${q(r.flow_id)},${q(r.type)},${q(r.uid)},${q(r.locale)},` +
    `${q(r.ua_browser)},${q(r.ua_version)},${q(r.ua_os)},${q(r.context)},${q(r.entrypoint)},${q(r.migration)},` +
    `${q(r.service)},${q(r.utm_campaign)},${q(r.utm_content)},${q(r.utm_medium)},${q(r.utm_source)},` +
    `${q(r.utm_term)},${r.dnt}\n`
  );
}

export function activityCsv(ord: number, r: ActivityRow): string {
  return (
    `${ord},${r.time_ms},${q(r.type)},${q(r.uid)},${q(r.device_id)},${q(r.service)},` +
    `${q(r.ua_browser)},${q(r.ua_version)},${q(r.ua_os)}\n`
  );
}

export function rowCsv(table: RawTable, ord: number, row: RawRow): string {
  return table === 'flow_events' ? flowCsv(ord, row as FlowRow) : activityCsv(ord, row as ActivityRow);
}
