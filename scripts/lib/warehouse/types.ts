// The one interface through which the TypeScript side talks to a warehouse
// (load uploads, validate, reports). Implementations: DuckDB (embedded,
// default) and Databricks (@databricks/sql).

export interface ColumnInfo {
  name: string;
  /** the engine's type name, upper-case, e.g. VARCHAR, BIGINT, TIMESTAMP, STRING */
  type: string;
  nullable: boolean;
}

export type Row = Record<string, unknown>;

export interface Warehouse {
  readonly kind: 'duckdb' | 'databricks';
  /** Runs one statement; values only ever travel as bound parameters. */
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Live columns of a table, in table order; empty when the table does not exist. */
  columns(table: string): Promise<ColumnInfo[]>;
  /** A table (of the marts' schema unless given as `schema.table`) as quoted, schema-qualified SQL. */
  qualifiedName(table: string): string;
  /** The number of rows of a table. */
  rowCount(table: string): Promise<number>;
  /** Up to `limit` rows of a table. */
  sample(table: string, limit: number): Promise<Row[]>;
  /** Releases every resource (for DuckDB: the instance, so dbt can open the file). */
  close(): Promise<void>;
}
