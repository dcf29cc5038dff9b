// The Databricks warehouse behind the Warehouse interface, through the
// @databricks/sql driver (Thrift over HTTPS to a SQL warehouse or cluster).
// Values travel as bound parameters; table names and paths come from the
// project itself and are quoted, never taken from data.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DBSQLClient } from '@databricks/sql';
import type { ColumnInfo, Row, Warehouse } from './types.ts';
import { usageError } from '../errors.ts';
import { registerSecret } from '../secrets.ts';
import { RAW_TABLES, type RawTable } from '../paths.ts';

/** What a request needs to authenticate: the headers it carries. */
export interface AuthHeaders {
  authenticate(): Promise<Record<string, string>>;
}

export interface DatabricksConfig {
  /** workspace host name, e.g. dbc-1234.cloud.databricks.com */
  host: string;
  /** HTTP path of the SQL warehouse or cluster */
  path: string;
  port?: number;
  /** personal access token or service-principal token (sent as Bearer) */
  token?: string;
  /** Unity Catalog catalog of the tables (omitted: the session's default) */
  catalog?: string;
  /** schema of the marts */
  schema: string;
  /** replaces token auth, for HiveServer2 endpoints that parse other schemes */
  auth?: AuthHeaders;
  /** an extra trusted CA certificate (PEM), for endpoints with a private CA */
  caCert?: string | Buffer;
}

/** The environment variables of the Databricks target (the dbt profile reads the same ones). */
export const DATABRICKS_ENV = {
  host: 'DATABRICKS_HOST',
  path: 'DATABRICKS_HTTP_PATH',
  token: 'DATABRICKS_TOKEN',
  catalog: 'DATABRICKS_CATALOG',
  schema: 'DATABRICKS_SCHEMA',
} as const;

export function databricksConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabricksConfig {
  const missing = [DATABRICKS_ENV.host, DATABRICKS_ENV.path, DATABRICKS_ENV.token].filter((k) => !env[k]);
  if (missing.length) throw usageError(`the databricks target needs ${missing.join(', ')} in the environment`);
  const token = env[DATABRICKS_ENV.token]!;
  registerSecret(token);
  return {
    host: env[DATABRICKS_ENV.host]!.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
    path: env[DATABRICKS_ENV.path]!,
    token,
    catalog: env[DATABRICKS_ENV.catalog] || undefined,
    schema: env[DATABRICKS_ENV.schema] || 'main',
  };
}

/** A Spark SQL identifier in backticks (a backtick inside is doubled). */
export function quoteIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** A Spark SQL string literal for a path the code itself built. */
export function quotePath(path: string): string {
  return "'" + path.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

type Session = Awaited<ReturnType<DBSQLClient['openSession']>>;

export class DatabricksWarehouse implements Warehouse {
  readonly kind = 'databricks' as const;

  private constructor(
    private readonly client: DBSQLClient,
    private readonly session: Session,
    readonly config: DatabricksConfig,
  ) {}

  static async open(config: DatabricksConfig): Promise<DatabricksWarehouse> {
    const client = new DBSQLClient({ logger: quietLogger });
    const common = {
      host: config.host,
      port: config.port,
      path: config.path,
      customCaCert: config.caCert,
      // telemetry would send metadata to the workspace's endpoints; not wanted
      telemetryEnabled: false,
    };
    if (config.auth) {
      await client.connect({ ...common, authType: 'custom', provider: config.auth });
    } else {
      if (!config.token) throw usageError(`the databricks target needs ${DATABRICKS_ENV.token}`);
      registerSecret(config.token);
      await client.connect({ ...common, token: config.token });
    }
    try {
      const session = await client.openSession({ initialCatalog: config.catalog, initialSchema: config.schema });
      return new DatabricksWarehouse(client, session, config);
    } catch (e) {
      await client.close();
      throw e;
    }
  }

  async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.statement(
      sql,
      { ordinalParameters: params.length ? (params as never[]) : undefined },
      async (op) => (await op.fetchAll()) as Row[],
    );
  }

  /** Columns through the protocol's GetColumns call: the name travels as a field, not as SQL. */
  async columns(table: string): Promise<ColumnInfo[]> {
    const { schema, name } = this.split(table);
    const op = await this.session.getColumns({ catalogName: this.config.catalog, schemaName: schema, tableName: name });
    try {
      const rows = (await op.fetchAll()) as Row[];
      return (
        rows
          // schema and table name are patterns (LIKE semantics): keep exact matches only
          .filter((r) => same(r.TABLE_SCHEM, schema) && same(r.TABLE_NAME, name))
          .sort((a, b) => Number(a.ORDINAL_POSITION) - Number(b.ORDINAL_POSITION))
          .map((r) => ({
            name: String(r.COLUMN_NAME),
            type: String(r.TYPE_NAME).toUpperCase(),
            nullable: Number(r.NULLABLE) !== 0,
          }))
      );
    } finally {
      await op.close();
    }
  }

  qualifiedName(table: string): string {
    return qualifiedTableName(table, this.config.schema);
  }

  async rowCount(table: string): Promise<number> {
    const [row] = await this.query(`SELECT count(*) AS n FROM ${this.qualifiedName(table)}`);
    return Number(row.n);
  }

  async sample(table: string, limit: number): Promise<Row[]> {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`sample: limit must be a whole number, got ${limit}`);
    return this.query(`SELECT * FROM ${this.qualifiedName(table)} LIMIT ${limit}`);
  }

  /**
   * Uploads the raw zone's Parquet files to a Unity Catalog volume (the
   * driver's staging PUT) and copies them into the raw tables. Files named
   * in `alreadyUploaded` (paths relative to the raw dir) are not sent again,
   * so a night uploads only its new files; COPY INTO skips files it has
   * already loaded, so re-running after a partial failure loads each once.
   */
  async uploadRawZone(
    rawDir: string,
    volumePath: string,
    alreadyUploaded: ReadonlySet<string> = new Set(),
  ): Promise<{ files: number; uploaded: string[] }> {
    const plan = rawZoneUploadPlan(rawDir, volumePath, this.config.catalog, alreadyUploaded);
    // the driver performs the transfer inside executeStatement
    for (const step of plan.puts) await this.statement(step.sql, { stagingAllowedLocalPath: [rawDir] }, async () => {});
    for (const sql of plan.copies) await this.query(sql);
    return { files: plan.puts.length, uploaded: plan.puts.map((p) => p.relativePath) };
  }

  async close(): Promise<void> {
    try {
      await this.session.close();
    } finally {
      await this.client.close();
    }
  }

  /** Runs one statement, reads its result, always closes it; failures carry the server's message. */
  private async statement<T>(
    sql: string,
    options: Parameters<Session['executeStatement']>[1],
    read: (op: Awaited<ReturnType<Session['executeStatement']>>) => Promise<T>,
  ): Promise<T> {
    let op: Awaited<ReturnType<Session['executeStatement']>> | undefined;
    try {
      op = await this.session.executeStatement(sql, options);
      return await read(op);
    } catch (e) {
      throw withServerMessage(e);
    } finally {
      await op?.close().catch(() => undefined);
    }
  }

  private split(table: string): { schema: string; name: string } {
    return splitTable(table, this.config.schema);
  }
}

/** `schema.table`, or a bare table name in `defaultSchema`. */
function splitTable(table: string, defaultSchema: string): { schema: string; name: string } {
  const dot = table.indexOf('.');
  return dot < 0 ? { schema: defaultSchema, name: table } : { schema: table.slice(0, dot), name: table.slice(dot + 1) };
}

/** A table as quoted `schema`.`table` (a pure function, so it is tested without a workspace). */
export function qualifiedTableName(table: string, defaultSchema: string): string {
  const { schema, name } = splitTable(table, defaultSchema);
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

const same = (value: unknown, name: string) => String(value).toLowerCase() === name.toLowerCase();

/**
 * The driver words a failed statement from the Databricks-only
 * `displayMessage`; a server that sends only the standard `errorMessage`
 * (Spark's Thrift Server) would otherwise leave just "The operation failed
 * due to an error".
 */
function withServerMessage(e: unknown): unknown {
  const response = (e as { response?: { displayMessage?: string; errorMessage?: string } })?.response;
  const detail = response?.displayMessage ?? response?.errorMessage;
  if (!detail || (e as Error).message?.includes(detail)) return e;
  return new Error(detail, { cause: e });
}

export interface RawZoneUploadPlan {
  /** one staging PUT per Parquet file not uploaded before */
  puts: Array<{ localFile: string; relativePath: string; sql: string }>;
  /** per raw table: create it if missing, then COPY INTO it from the volume */
  copies: string[];
}

/** The exact statements uploadRawZone sends, in order (a pure function, so it is tested without a workspace). */
export function rawZoneUploadPlan(
  rawDir: string,
  volumePath: string,
  catalog?: string,
  alreadyUploaded: ReadonlySet<string> = new Set(),
): RawZoneUploadPlan {
  const volume = volumePath.replace(/\/+$/, '');
  if (!/^\/Volumes\/[^/]+\/[^/]+\/[^/]+(\/.*)?$/.test(volume)) {
    throw usageError(`the volume path must look like /Volumes/<catalog>/<schema>/<volume>[/dir], got '${volumePath}'`);
  }
  const puts: RawZoneUploadPlan['puts'] = [];
  for (const table of RAW_TABLES) {
    for (const file of parquetFiles(join(rawDir, table))) {
      const rel = relative(rawDir, file).split(sep).join('/');
      if (alreadyUploaded.has(rel)) continue;
      puts.push({ localFile: file, relativePath: rel, sql: `PUT ${quotePath(file)} INTO ${quotePath(`${volume}/${rel}`)} OVERWRITE` });
    }
  }
  const copies: string[] = [];
  for (const table of RAW_TABLES) copies.push(...copyIntoRawTable(table, `${volume}/${table}`, catalog));
  return { puts, copies };
}

function copyIntoRawTable(table: RawTable, source: string, catalog?: string): string[] {
  const target = [catalog, 'raw', table]
    .filter((p): p is string => !!p)
    .map(quoteIdent)
    .join('.');
  const schema = [catalog, 'raw']
    .filter((p): p is string => !!p)
    .map(quoteIdent)
    .join('.');
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    // a schema-less Delta table: the first COPY INTO gives it the files' columns
    `CREATE TABLE IF NOT EXISTS ${target}`,
    // `day` comes from the partition directory, as it does for DuckDB and Spark
    `COPY INTO ${target} FROM (SELECT *, cast(regexp_extract(_metadata.file_path, 'day=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) AS DATE) AS day FROM ${quotePath(source)}) ` +
      `FILEFORMAT = PARQUET PATTERN = 'day=*/*.parquet' COPY_OPTIONS ('mergeSchema' = 'true')`,
  ];
}

function parquetFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...parquetFiles(p));
    else if (name.endsWith('.parquet')) out.push(p);
  }
  return out;
}

// The driver logs every connect at info level to stdout; stdout is for
// command results here, so only its errors reach stderr.
const quietLogger = {
  log(level: string, message: string) {
    if (level === 'error') process.stderr.write(`databricks: ${message}\n`);
  },
};
