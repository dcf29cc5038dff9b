// The native engine's DuckDB step for one input file: DuckDB reads the file
// itself (gzip too) as numbered lines of text, parses them, applies the
// checks generated from the JSON Schemas (schema-sql.ts), normalises the
// events that pass (spec §3), HMACs their uids and joins back the user-agent
// fields, and writes them as staged Parquet files. Blank lines and other
// Types are counted as skipped. Every other line (not JSON, not an object, a
// rule broken, or anything the generated checks cannot vouch for) comes back
// as text for the per-line path (chunk.ts), where ajv decides and explains.
//
// Raw uids exist only inside this DuckDB, which runs in memory with spilling
// to disk turned off (temp_directory = '' and max_temp_directory_size = 0):
// a load that does not fit in memory fails rather than write them anywhere.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DuckDBInstance, blobValue, type DuckDBConnection } from '@duckdb/node-api';
import type { RawTable } from '../lib/paths.ts';
import { objectCheck, readSchema, stringValue, checkName, type ObjectSchema } from './schema-sql.ts';
import { sqlString } from './sql.ts';
import { LINE_BITS, STAGED_COLUMNS } from './staged-csv.ts';
import { makeUserAgentParser } from './user-agent.ts';
import { makeDayOf } from './writer.ts';

/**
 * DuckDB settings of the native engine: memory only, never a temp file (raw
 * uids), and a memory limit that keeps the process under the 4 GiB target:
 * a file too big for it fails in DuckDB and takes the per-line path instead.
 */
export const NATIVE_DUCKDB_OPTIONS: Record<string, string> = {
  autoinstall_known_extensions: 'false',
  temp_directory: '',
  max_temp_directory_size: '0B',
  memory_limit: '3GB',
};

/** Longest line DuckDB reads; a file with a longer one takes the per-line path. */
export const MAX_LINE_BYTES = 32 << 20;

export interface NativeTableOutput {
  table: RawTable;
  path: string;
  rows: number;
  days: string[];
}

export interface NativeFileResult {
  lines: number;
  skipped: number;
  /** lines for the per-line path, in line order */
  fallback: { number: number; text: string }[];
  outputs: NativeTableOutput[];
}

interface Schemas {
  envelope: ObjectSchema;
  flow: ObjectSchema;
  activity: ObjectSchema;
}

const METRIC_TYPES = { flow: 'flowEvent', activity: 'activityEvent' } as const;

// Text that DuckDB's JSON parser accepts but JSON.parse does not (trailing
// commas; NaN / Infinity / inf in any case) sends the line to the per-line
// path; so does any \u escape (lone surrogates are rejected there). These
// guards may catch harmless lines too (inside strings): that only costs time.
const LENIENT_JSON = `',[ \\t\\n\\r]*[\\]}]|[:\\[,][ \\t\\n\\r]*-?(?i:nan|inf)'`;
const BEGIN_NAME = `'^flow\\.[^\\n\\r\\x{2028}\\x{2029}]+\\.begin$'`;
const ENVELOPE_TIMESTAMP = `'"Timestamp"[ \\t\\n\\r]*:[ \\t\\n\\r]*([0-9]+)[ \\t\\n\\r]*[,}]'`;

/**
 * The lines of a file, in order, into the table `lines` (its rowid is the
 * line number - 1: the insert keeps the reader's order). Every byte but the
 * newline is data: no delimiter, quote or escape. DuckDB reserves
 * 16 × max_line_size for its read buffer by default, so both are bounded: a
 * file with a longer line fails here and takes the per-line path.
 */
export function readLinesSql(path: string): string {
  return `
    CREATE OR REPLACE TABLE lines AS
    SELECT line FROM read_csv(${sqlString(path)}, columns = {'line': 'VARCHAR'}, header = false, auto_detect = false,
      delim = '\\0', quote = '', escape = '', new_line = '\\n', skip = 0,
      max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${2 * MAX_LINE_BYTES})`;
}

/** The SQL that classifies and normalises every line of the table `lines` into the table `parsed`. */
export function parseSql(s: Schemas): string {
  const fieldNames = [...new Set([...Object.keys(s.flow.properties), ...Object.keys(s.activity.properties)])].map(checkName);
  const f = (name: string) => `f_${name}`;
  const lineType = `{"Type":"JSON","Timestamp":"JSON","Fields":{${fieldNames.map((n) => `"${n}":"JSON"`).join(',')}}}`;
  for (const kind of [s.flow, s.activity]) {
    if (!kind.required?.length) throw new Error('the native engine needs at least one required field per event kind');
  }
  const envelopeCheck = objectCheck(s.envelope, (n) => (n === 'Fields' ? 'fields_text' : n === 'Timestamp' ? 'ts' : 'NULL'));
  const flowCheck = objectCheck(s.flow, f);
  const activityCheck = objectCheck(s.activity, f);
  const str = (name: string) => `CASE WHEN ${f(name)} IS NOT NULL THEN ${stringValue(f(name))} END`;
  const flowRow = `kind = 'flow'`;
  const utm = (name: string) => `CASE WHEN ${flowRow} AND f_dnt IS DISTINCT FROM 'true' THEN ${str(name)} END`;
  const flowOnly = (name: string) => `CASE WHEN ${flowRow} THEN ${str(name)} END`;
  return `
    CREATE OR REPLACE TABLE parsed AS
    WITH screened AS (
      SELECT rowid + 1 AS n, line, line IS NULL OR trim(line) = '' AS blank,
        COALESCE(json_valid(line) AND starts_with(ltrim(line, ' ' || chr(9)), '{')
          AND NOT contains(line, '\\u') AND NOT regexp_matches(line, ${LENIENT_JSON}), false) AS ok
      FROM lines
    ),
    parsedj AS (
      SELECT n, line, blank, ok,
        CASE WHEN ok THEN json_transform(line, '${lineType}') END AS j,
        CASE WHEN ok THEN json_keys(line, ['$', '$.Fields']) END AS k
      FROM screened
    ),
    typed AS (
      SELECT n, line, blank,
        ok AND len(k[1]) = len(list_distinct(k[1])) AS keys_ok,
        COALESCE(len(k[2]) = len(list_distinct(k[2])), false) AS fields_keys_ok,
        j.Type::VARCHAR AS t, j.Timestamp::VARCHAR AS ts,
        -- a Fields that is not an object reads as a struct of NULLs: every kind schema has required fields, so it cannot pass
        CASE WHEN j.Fields IS NOT NULL THEN '{' END AS fields_text,
        ${fieldNames.map((n) => `j.Fields."${n}"::VARCHAR AS ${f(n)}`).join(', ')}
      FROM parsedj
    ),
    classified AS (
      SELECT *,
        CASE
          WHEN blank THEN 'skip'
          WHEN NOT keys_ok THEN 'js'
          WHEN t IS NULL OR t NOT IN ('"${METRIC_TYPES.flow}"', '"${METRIC_TYPES.activity}"') THEN 'skip'
          WHEN NOT fields_keys_ok THEN 'js'
          WHEN NOT (${envelopeCheck}) THEN 'js'
          WHEN t = '"${METRIC_TYPES.flow}"' AND (${flowCheck}) THEN 'flow'
          WHEN t = '"${METRIC_TYPES.activity}"' AND (${activityCheck})
            AND (f_time IS NOT NULL OR regexp_extract(line, ${ENVELOPE_TIMESTAMP}, 1) = ts) THEN 'activity'
          ELSE 'js'
        END AS kind
      FROM typed
    )
    SELECT n, kind,
      CASE WHEN kind = 'js' THEN line END AS line,
      CASE WHEN kind = 'flow' THEN CAST(f_time AS BIGINT)
           WHEN kind = 'activity' THEN COALESCE(CAST(f_time AS BIGINT), CAST(CAST(ts AS HUGEINT) // 1000000 AS BIGINT)) END AS time_ms,
      CASE WHEN ${flowRow} THEN CAST(f_flow_time AS BIGINT) END AS flow_time,
      CASE WHEN ${flowRow} THEN lower(${str('flow_id')}) END AS flow_id,
      CASE WHEN ${flowRow} THEN (CASE WHEN regexp_matches(${str('event')}, ${BEGIN_NAME}) THEN 'flow.begin' ELSE ${str('event')} END)
           WHEN kind = 'activity' THEN ${str('event')} END AS type,
      CASE WHEN kind IN ('flow', 'activity') THEN lower(${str('uid')}) END AS uid_raw,
      ${flowOnly('locale')} AS locale,
      CASE WHEN kind IN ('flow', 'activity') THEN ${str('userAgent')} END AS ua,
      ${flowOnly('context')} AS context, ${flowOnly('entrypoint')} AS entrypoint, ${flowOnly('migration')} AS migration,
      CASE WHEN kind IN ('flow', 'activity') THEN ${str('service')} END AS service,
      ${utm('utm_campaign')} AS utm_campaign, ${utm('utm_content')} AS utm_content, ${utm('utm_medium')} AS utm_medium,
      ${utm('utm_source')} AS utm_source, ${utm('utm_term')} AS utm_term,
      CASE WHEN ${flowRow} THEN f_dnt IS NOT DISTINCT FROM 'true' END AS dnt,
      CASE WHEN kind = 'activity' THEN NULLIF(lower(${str('device_id')}), '') END AS device_id
    FROM classified`;
}

/** HMAC-SHA256 key blocks (RFC 2104): the key (hashed when longer than a block) XOR ipad / opad. */
export function hmacPads(key: string): { inner: Uint8Array; outer: Uint8Array } {
  let k = Buffer.from(key, 'utf8');
  if (k.length > 64) k = createHash('sha256').update(k).digest();
  const inner = Buffer.alloc(64, 0x36);
  const outer = Buffer.alloc(64, 0x5c);
  for (let i = 0; i < k.length; i++) {
    inner[i] ^= k[i];
    outer[i] ^= k[i];
  }
  return { inner, outer };
}

/** lower_hex(HMAC-SHA256(key, uid)) in SQL, the two key blocks bound as $1 and $2. */
export const HMAC_SQL = (uid: string) => `sha256($2::BLOB || unhex(sha256($1::BLOB || encode(${uid}))))`;

export class NativeEngine {
  private readonly parseUa = makeUserAgentParser();
  private readonly dayOf = makeDayOf();
  private readonly pads: { inner: Uint8Array; outer: Uint8Array };

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly con: DuckDBConnection,
    private readonly schemas: Schemas,
    hmacKey: string,
    private readonly stagingDir: string,
  ) {
    this.pads = hmacPads(hmacKey);
  }

  static async open(opts: { hmacKey: string; stagingDir: string }): Promise<NativeEngine> {
    const schemas: Schemas = {
      envelope: readSchema('envelope.schema.json'),
      flow: readSchema('flow-event.schema.json'),
      activity: readSchema('activity-event.schema.json'),
    };
    const instance = await DuckDBInstance.create(':memory:', NATIVE_DUCKDB_OPTIONS);
    const con = await instance.connect();
    await con.run('CREATE TABLE ua_map (ua VARCHAR PRIMARY KEY, ua_browser VARCHAR, ua_version VARCHAR, ua_os VARCHAR)');
    return new NativeEngine(instance, con, schemas, opts.hmacKey, opts.stagingDir);
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }

  /** Classifies, checks and stages one file; throws when DuckDB cannot read it as lines. */
  async stageFile(fileIndex: number, path: string): Promise<NativeFileResult> {
    const con = this.con;
    await con.run(readLinesSql(path));
    await con.run(parseSql(this.schemas));
    await con.run('DROP TABLE lines');
    await this.addUserAgents();
    await con.run(
      `CREATE OR REPLACE TABLE uid_hmac AS SELECT uid_raw, ${HMAC_SQL('uid_raw')} AS uid
       FROM (SELECT DISTINCT uid_raw FROM parsed WHERE uid_raw IS NOT NULL)`,
      [blobValue(this.pads.inner), blobValue(this.pads.outer)],
    );
    const summary = (await con.runAndReadAll(
      `SELECT count(*) AS lines, count(*) FILTER (WHERE kind = 'skip') AS skipped,
         count(*) FILTER (WHERE kind = 'flow') AS flow, count(*) FILTER (WHERE kind = 'activity') AS activity,
         list(DISTINCT time_ms // 86400000) FILTER (WHERE kind = 'flow') AS flow_days,
         list(DISTINCT time_ms // 86400000) FILTER (WHERE kind = 'activity') AS activity_days
       FROM parsed`,
    )).getRowObjectsJS()[0] as Record<string, unknown>;
    const days = (v: unknown) => ((v as bigint[] | null) ?? []).map((d) => this.dayOf(Number(d) * 86_400_000));
    const outputs: NativeTableOutput[] = [];
    for (const [table, kind] of [['flow_events', 'flow'], ['activity_events', 'activity']] as const) {
      const rows = Number(summary[kind]);
      if (rows === 0) continue;
      const out = join(this.stagingDir, `native-${fileIndex}-${table}.parquet`);
      await con.run(this.stageSql(table, kind, fileIndex, out));
      outputs.push({ table, path: out, rows, days: days(summary[`${kind}_days`]) });
    }
    const fallback = (await con.runAndReadAll(`SELECT n, line FROM parsed WHERE kind = 'js' ORDER BY n`))
      .getRowsJS()
      .map(([n, line]) => ({ number: Number(n), text: (line as string | null) ?? '' }));
    await con.run('DROP TABLE parsed');
    await con.run('DROP TABLE uid_hmac');
    return { lines: Number(summary.lines), skipped: Number(summary.skipped), fallback, outputs };
  }

  /** The outcome the generated checks give every line of a file, in line order (`js` = left to the per-line path). */
  async classifyFile(path: string): Promise<string[]> {
    await this.con.run(readLinesSql(path));
    await this.con.run(parseSql(this.schemas));
    const kinds = (await this.con.runAndReadAll('SELECT kind FROM parsed ORDER BY n')).getRowsJS().map(([k]) => String(k));
    await this.con.run('DROP TABLE lines');
    await this.con.run('DROP TABLE parsed');
    return kinds;
  }

  /** ua fields of the user agents not seen before: parsed in JS once each, kept for the whole load. */
  private async addUserAgents(): Promise<void> {
    const fresh = (await this.con.runAndReadAll(
      `SELECT DISTINCT ua FROM parsed WHERE ua IS NOT NULL AND ua <> '' AND ua NOT IN (SELECT ua FROM ua_map)`,
    )).getRowsJS();
    if (fresh.length === 0) return;
    const appender = await this.con.createAppender('ua_map');
    try {
      for (const [ua] of fresh) {
        const p = this.parseUa(ua as string);
        appender.appendVarchar(ua as string);
        for (const v of [p.ua_browser, p.ua_version, p.ua_os]) {
          if (v === null) appender.appendNull();
          else appender.appendVarchar(v);
        }
        appender.endRow();
      }
    } finally {
      appender.closeSync();
    }
  }

  private stageSql(table: RawTable, kind: 'flow' | 'activity', fileIndex: number, out: string): string {
    const fromJoin: Record<string, string> = { uid: 'h.uid', ua_browser: 'm.ua_browser', ua_version: 'm.ua_version', ua_os: 'm.ua_os' };
    const cols = STAGED_COLUMNS[table].map(([n, ty]) => `CAST(${fromJoin[n] ?? `p.${n}`} AS ${ty}) AS ${n}`);
    return `COPY (
      SELECT ${fileIndex * LINE_BITS} + p.n AS _ord, ${cols.join(', ')}
      FROM parsed AS p
      LEFT JOIN uid_hmac AS h ON h.uid_raw = p.uid_raw
      LEFT JOIN ua_map AS m ON m.ua = p.ua
      WHERE p.kind = '${kind}'
    ) TO ${sqlString(out)} (FORMAT parquet)`;
  }
}
