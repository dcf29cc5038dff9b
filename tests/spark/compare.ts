// Row-for-row comparison of DuckDB's marts with Spark's (exported as
// Parquet), with the row difference of tests/lib/marts.ts. Spark's values
// are cast to the DuckDB column's type, with the session in UTC, so that a
// timestamp compares as the same instant in both.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../../scripts/loader/sql.ts';
import { quoteIdent } from '../../scripts/lib/warehouse/duckdb.ts';
import { rowDifference } from '../lib/marts.ts';

export interface TableComparison {
  table: string;
  duckdbRows: number;
  sparkRows: number;
  /** rows (with multiplicity) in DuckDB's table and not in Spark's */
  onlyInDuckdb: number;
  onlyInSpark: number;
  /** a few of the differing rows, for the failure message */
  examples: unknown[];
}

export async function compareTables(
  warehouse: string,
  schema: string,
  sparkParquetDirs: Record<string, string>,
): Promise<TableComparison[]> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const conn = await instance.connect();
  const rows = async (sql: string, params: string[] = []) =>
    (await conn.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[];
  try {
    await conn.run("set TimeZone = 'UTC'");
    await conn.run(`attach ${sqlString(warehouse)} as wh (read_only)`);
    const out: TableComparison[] = [];
    for (const [table, dir] of Object.entries(sparkParquetDirs)) {
      const columns = await rows(
        `select column_name, data_type from duckdb_columns()
          where database_name = 'wh' and schema_name = $1 and table_name = $2 order by column_index`,
        [schema, table],
      );
      if (columns.length === 0) throw new Error(`DuckDB has no table ${schema}.${table}`);
      const duck = `select ${columns.map((c) => quoteIdent(String(c.column_name))).join(', ')} from wh.${quoteIdent(schema)}.${quoteIdent(table)}`;
      const spark = `select ${columns
        .map((c) => `cast(${quoteIdent(String(c.column_name))} as ${c.data_type}) as ${quoteIdent(String(c.column_name))}`)
        .join(', ')} from read_parquet(${sqlString(`${dir}/*.parquet`)})`;
      const d = await rowDifference(rows, duck, spark, { examples: 3 });
      out.push({
        table,
        duckdbRows: d.rowsA,
        sparkRows: d.rowsB,
        onlyInDuckdb: d.onlyA,
        onlyInSpark: d.onlyB,
        examples: d.examples.map(({ side, ...row }) => ({ side: side === 'a' ? 'duckdb' : 'spark', ...row })),
      });
    }
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * Copies a Parquet export with one row's `column` replaced by `expression`
 * (both chosen by the test), for checking that the comparison notices.
 */
export async function writeTamperedCopy(fromDir: string, toDir: string, column: string, expression: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    mkdirSync(toDir, { recursive: true });
    const source = `read_parquet(${sqlString(`${fromDir}/*.parquet`)})`;
    await conn.run(
      `copy (select * replace (case when rn = 1 then ${expression} else ${quoteIdent(column)} end as ${quoteIdent(column)})
               from (select *, row_number() over () as rn from ${source}))
         to ${sqlString(join(toDir, 'part.parquet'))} (format parquet)`,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
