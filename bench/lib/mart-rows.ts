// Row counts of the built tables (dbt-duckdb reports no rows_affected), read
// through the project's own warehouse interface, read-only.
import { openWarehouse } from '../../scripts/lib/warehouse/index.ts';
import { DUCKDB_MART_SCHEMA, quoteIdent } from '../../scripts/lib/warehouse/duckdb.ts';

export async function tableRowCounts(dataDir: string): Promise<Record<string, number>> {
  const wh = await openWarehouse({ target: 'duckdb', dataDir, readOnly: true });
  try {
    const tables = await wh.query('select table_name from duckdb_tables() where schema_name = $1 order by table_name', [
      DUCKDB_MART_SCHEMA,
    ]);
    const out: Record<string, number> = {};
    for (const t of tables) {
      const name = String(t.table_name);
      const [r] = await wh.query(`select count(*)::bigint as n from ${quoteIdent(DUCKDB_MART_SCHEMA)}.${quoteIdent(name)}`);
      out[name] = Number(r.n);
    }
    return out;
  } finally {
    await wh.close();
  }
}
