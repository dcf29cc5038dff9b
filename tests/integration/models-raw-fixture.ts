// Writes a raw zone (docs/raw-zone.md) for model tests: Parquet files in
// day=YYYY-MM-DD partitions, one file per (load, day), plus each table's
// zero-row day=1970-01-01/_empty.parquet. Rows travel as bound parameters.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { layout, RAW_TABLES, type RawTable } from '../../scripts/lib/paths.ts';
import { RAW_COLUMNS, type ActivityRow, type FlowRow } from '../../scripts/loader/raw-schema.ts';
import { sqlString } from '../../scripts/loader/sql.ts';

export type FixtureFlow = Omit<FlowRow, 'source_file' | 'source_line' | 'load_id'>;
export type FixtureActivity = Omit<ActivityRow, 'source_file' | 'source_line' | 'load_id'>;

export interface FixtureLoad {
  loadId: string;
  flow_events?: FixtureFlow[];
  activity_events?: FixtureActivity[];
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function writeFile(conn: DuckDBConnection, table: RawTable, rows: Record<string, unknown>[], file: string): Promise<void> {
  const columns = RAW_COLUMNS[table];
  await conn.run(`create or replace temp table fixture (${columns.map(([n, t]) => `${n} ${t}`).join(', ')})`);
  const insert = await conn.prepare(`insert into fixture values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`);
  for (const row of rows) {
    insert.clearBindings();
    columns.forEach(([name, type], i) => {
      const v = row[name];
      if (v === null || v === undefined) insert.bindNull(i + 1);
      else if (type === 'BIGINT') insert.bindBigInt(i + 1, BigInt(v as number));
      else if (type === 'BOOLEAN') insert.bindBoolean(i + 1, v as boolean);
      else insert.bindVarchar(i + 1, v as string);
    });
    await insert.run();
  }
  await conn.run(`copy fixture to ${sqlString(file)} (format parquet)`);
}

/** Adds the zero-row schema files (idempotent). */
export async function writeEmptyRawZone(dataDir: string): Promise<void> {
  await writeLoads(dataDir, []);
}

/** Writes each load's rows as <raw>/<table>/day=<UTC day>/<loadId>.parquet. */
export async function writeLoads(dataDir: string, loads: FixtureLoad[]): Promise<void> {
  const l = layout(dataDir);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    for (const table of RAW_TABLES) {
      mkdirSync(l.rawPartition(table, '1970-01-01'), { recursive: true });
      await writeFile(conn, table, [], join(l.rawPartition(table, '1970-01-01'), '_empty.parquet'));
    }
    for (const load of loads) {
      for (const table of RAW_TABLES) {
        const byDay = new Map<string, Record<string, unknown>[]>();
        (load[table] ?? []).forEach((row, i) => {
          const day = utcDay(row.time_ms);
          const withLineage = { ...row, source_file: `${load.loadId}.log`, source_line: i + 1, load_id: load.loadId };
          byDay.set(day, [...(byDay.get(day) ?? []), withLineage]);
        });
        for (const [day, rows] of byDay) {
          mkdirSync(l.rawPartition(table, day), { recursive: true });
          await writeFile(conn, table, rows, join(l.rawPartition(table, day), `${load.loadId}.parquet`));
        }
      }
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
