// The embedded DuckDB warehouse (<data dir>/warehouse.duckdb). DuckDB lets
// one process write a file at a time, and dbt is that process while it runs:
// the TypeScript side opens the file only between dbt runs and close() ends
// the whole instance, not just the connection, so the file is free again.
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { ColumnInfo, Row, Warehouse } from './types.ts';

/** The schema dbt builds the marts in (profiles.yml `schema: main`). */
export const DUCKDB_MART_SCHEMA = 'main';

/** Quotes an identifier the code itself chose (a contract's table name). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export class DuckDbWarehouse implements Warehouse {
  readonly kind = 'duckdb' as const;
  private constructor(
    private instance: DuckDBInstance | null,
    private conn: DuckDBConnection | null,
    readonly path: string,
    private readonly schema: string,
  ) {}

  static async open(path: string, opts: { readOnly?: boolean; schema?: string } = {}): Promise<DuckDbWarehouse> {
    const options: Record<string, string> = {
      // never download extensions at run time (same as the dbt profile)
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    };
    if (opts.readOnly) options.access_mode = 'READ_ONLY';
    const instance = await DuckDBInstance.create(path, options);
    const conn = await instance.connect();
    return new DuckDbWarehouse(instance, conn, path, opts.schema ?? DUCKDB_MART_SCHEMA);
  }

  private connection(): DuckDBConnection {
    if (!this.conn) throw new Error(`DuckDB warehouse ${this.path} is closed`);
    return this.conn;
  }

  async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    const reader = await this.connection().runAndReadAll(sql, params as DuckDBValue[]);
    return reader.getRowObjectsJS() as Row[];
  }

  async columns(table: string): Promise<ColumnInfo[]> {
    const rows = await this.query(
      `select column_name, data_type, is_nullable
         from information_schema.columns
        where table_schema = $1 and table_name = $2
        order by ordinal_position`,
      [this.schema, table],
    );
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type).toUpperCase(), nullable: r.is_nullable === 'YES' }));
  }

  qualifiedName(table: string): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(table)}`;
  }

  async rowCount(table: string): Promise<number> {
    const [row] = await this.query(`select count(*) as n from ${this.qualifiedName(table)}`);
    return Number(row.n);
  }

  async sample(table: string, limit: number): Promise<Row[]> {
    return this.query(`select * from ${this.qualifiedName(table)} limit $1`, [limit]);
  }

  async close(): Promise<void> {
    this.conn?.closeSync();
    this.instance?.closeSync();
    this.conn = null;
    this.instance = null;
  }
}
