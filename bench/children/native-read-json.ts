// The limit reference: DuckDB's own JSON reader turning the same log files
// into Parquet, with declared columns and nothing else (no validation, no
// HMAC, no user-agent parsing). What the raw machine can do with these bytes.
//   node --import tsx bench/children/native-read-json.ts OUT.parquet FILE...
// Prints {"rows": n, "seconds": s} on stdout.
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../lib/sql.ts';

const FIELDS = [
  'event VARCHAR',
  'flow_id VARCHAR',
  'flow_time BIGINT',
  '"time" BIGINT',
  'uid VARCHAR',
  'device_id VARCHAR',
  'locale VARCHAR',
  '"userAgent" VARCHAR',
  'context VARCHAR',
  'entrypoint VARCHAR',
  'migration VARCHAR',
  'service VARCHAR',
  'utm_campaign VARCHAR',
  'utm_content VARCHAR',
  'utm_medium VARCHAR',
  'utm_source VARCHAR',
  'utm_term VARCHAR',
  'dnt BOOLEAN',
].join(', ');

const COLUMNS = `{
  'Timestamp': 'BIGINT', 'Logger': 'VARCHAR', 'Type': 'VARCHAR', 'Severity': 'INTEGER', 'Pid': 'INTEGER',
  'EnvVersion': 'VARCHAR', 'Fields': 'STRUCT(${FIELDS})'
}`;

const [out, ...files] = process.argv.slice(2);
if (!out || files.length === 0) {
  process.stderr.write('usage: native-read-json.ts OUT.parquet FILE...\n');
  process.exit(2);
}

const instance = await DuckDBInstance.create(':memory:', { threads: '2', preserve_insertion_order: 'false' });
const conn = await instance.connect();
const t0 = performance.now();
// ignore_errors: a malformed line is skipped, as the limit reference does no checking.
await conn.run(`
  COPY (
    SELECT Timestamp, Type, Fields.*
    FROM read_json([${files.map(sqlString).join(', ')}],
                   format = 'newline_delimited', columns = ${COLUMNS}, ignore_errors = true)
  ) TO ${sqlString(out)} (FORMAT parquet)`);
const seconds = (performance.now() - t0) / 1000;
const reader = await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM read_parquet(${sqlString(out)})`);
const rows = Number(reader.getRowObjectsJson()[0].n);
conn.closeSync();
instance.closeSync();
process.stdout.write(JSON.stringify({ rows, seconds }) + '\n');
