// The seam between the rules and the engine that writes the raw zone. The
// loader hands over normalised rows (uid already HMACed); a writer stages
// them under the load's staging dir and, on finish(), leaves Parquet files
// there ready to be moved into raw/. It never writes outside the staging dir.
import type { RawTable } from '../lib/paths.ts';
import type { RawRow } from './raw-schema.ts';

export interface StagedOutput {
  table: RawTable;
  /** YYYY-MM-DD, or '1970-01-01' for the schema file */
  day: string;
  /** absolute paths */
  staged: string;
  target: string;
}

export interface WriteSummary {
  outputs: StagedOutput[];
  /** rows written (after removing duplicates) per table and source file */
  written: Record<RawTable, Map<string, number>>;
  /** sorted days that received rows */
  daysTouched: string[];
}

/**
 * Rows of one table from one source file, already encoded in the writer's
 * staging format (staged-csv.ts), as the per-line work produces them.
 */
export interface RowBatch {
  table: RawTable;
  /** position of the source file in the load's input order */
  fileIndex: number;
  sourceFile: string;
  encoded: string;
  rows: number;
  /** UTC dates of the rows' time_ms */
  days: string[];
}

export interface RawZoneWriter {
  /** rows of one table; day is the UTC date of row.time_ms */
  add(table: RawTable, row: RawRow, day: string): void;
  /** many rows at once; batches of one file arrive in line order, files in input order */
  addBatch(batch: RowBatch): void;
  /** rows handed to add() so far, per table and source file */
  staged(): Record<RawTable, Map<string, number>>;
  finish(): Promise<WriteSummary>;
  /** releases everything after a failure (the caller removes the staging dir) */
  abort(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** UTC day of a time in ms; cached per day number, since one load spans few days. */
export function makeDayOf(): (timeMs: number) => string {
  const cache = new Map<number, string>();
  return (timeMs) => {
    const n = Math.floor(timeMs / DAY_MS);
    let d = cache.get(n);
    if (d === undefined) {
      d = new Date(n * DAY_MS).toISOString().slice(0, 10);
      cache.set(n, d);
    }
    return d;
  };
}
