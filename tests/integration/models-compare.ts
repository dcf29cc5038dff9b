// Helpers of the model tests: run dbt for a data dir (failing the test with
// dbt's output), and read warehouses after dbt is done: attached read-only to
// one in-memory DuckDB, closed afterwards so dbt can open the files again.
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { runDbt, type DbtRun } from '../../scripts/lib/dbt.ts';
import { layout } from '../../scripts/lib/paths.ts';
import { sqlString } from '../../scripts/loader/sql.ts';
import { BASE_MARTS, rowDifference } from '../lib/marts.ts';

/** The metrics-docs marts, read from their contracts (tests/lib/marts.ts). */
export const MARTS = BASE_MARTS;

export async function dbtOk(dataDir: string, command: string[], vars?: Record<string, string>): Promise<DbtRun> {
  const run = await runDbt([...command, '--threads', '2'], { dataDir, vars });
  assert.equal(run.exitCode, 0, `dbt ${command.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
  return run;
}

export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** Runs fn with the warehouses of some data dirs attached read-only under the given aliases. */
export async function withWarehouses<T>(dirs: Record<string, string>, fn: (q: Query) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    for (const [alias, dir] of Object.entries(dirs)) {
      assert.match(alias, /^[a-z]+$/);
      await conn.run(`attach ${sqlString(layout(dir).warehouse)} as ${alias} (read_only)`);
    }
    return await fn(async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Rows of a mart in one attached warehouse and not the other, both ways (tests/lib/marts.ts rowDifference). */
export async function tableDifference(q: Query, table: string, a: string, b: string) {
  const d = await rowDifference(q, `select * from ${a}.main.${table}`, `select * from ${b}.main.${table}`);
  return { onlyA: d.onlyA, onlyB: d.onlyB, rowsA: d.rowsA };
}
