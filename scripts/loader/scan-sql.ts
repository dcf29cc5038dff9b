// The one SQL statement that turns a piece of a log file into staged rows:
// DuckDB's own read_json parses the lines, the checks generated from the
// JSON Schemas (schema-sql.ts) classify them, the accepted events are
// normalised (docs/contract.md#normalisation) and their uids HMACed in the same projection, and
// every line becomes one row of a staged Parquet file, in a column `kind`:
// flow, activity, skip (another Type) or explain (JavaScript decides).
//
// Every field the rules look at is read as JSON and checked by its JSON text,
// never cast by DuckDB: its reader turns "12", 12.5 and true into the BIGINT
// 12, 12 and 1, and a number into a VARCHAR. A value that breaks a rule is
// sent to JavaScript, never cast into one that passes.
import { createHash } from 'node:crypto';
import { checkName, objectCheck, readSchema, valueColumns, type ObjectSchema, type ValueRefs } from './schema-sql.ts';
import { LINEAGE_COLUMNS, RAW_COLUMNS } from './raw-schema.ts';
import { sqlString } from './sql.ts';

export interface EventSchemas {
  envelope: ObjectSchema;
  flow: ObjectSchema;
  activity: ObjectSchema;
}

export function readEventSchemas(): EventSchemas {
  return {
    envelope: readSchema('envelope.schema.json'),
    flow: readSchema('flow-event.schema.json'),
    activity: readSchema('activity-event.schema.json'),
  };
}

const UA_PARTS = new Set(['ua_browser', 'ua_version', 'ua_os']);

/**
 * Columns of a staged scan file after _ord and kind: the raw tables' columns
 * (raw-schema.ts) less the lineage, both tables in one row, with the raw
 * user agent `ua` in place of the three columns parsed from it (in JS, once
 * per distinct string).
 */
export const SCAN_COLUMNS: readonly (readonly [string, string])[] = (() => {
  const lineage = new Set(LINEAGE_COLUMNS.map(([n]) => n));
  const out: [string, string][] = [];
  for (const [name, type] of [...RAW_COLUMNS.flow_events, ...RAW_COLUMNS.activity_events]) {
    const col: [string, string] = UA_PARTS.has(name) ? ['ua', 'VARCHAR'] : [name, type];
    if (!lineage.has(name) && !out.some(([n]) => n === col[0])) out.push(col);
  }
  return out;
})();

const METRIC_TYPES = { flow: 'flowEvent', activity: 'activityEvent' } as const;
const BEGIN_NAME = `'^flow\\.[^\\n\\r\\x{2028}\\x{2029}]+\\.begin$'`;

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

/** lower_hex(HMAC-SHA256(key, uid)) in SQL, the two key blocks bound as $1 (inner) and $2 (outer). */
export const HMAC_SQL = (uid: string) => `sha256($2::BLOB || unhex(sha256($1::BLOB || encode(${uid}))))`;

/**
 * COPY of one piece of a file (`source`, a path or a FIFO we chose) into
 * `out`: one row per line, _ord = the line's position in the piece (1, 2,
 * …). Binds the HMAC key blocks as $1 and $2.
 */
export function scanSql(s: EventSchemas, source: string, out: string, maxLineBytes: number): string {
  const fieldNames = [...new Set([...Object.keys(s.flow.properties), ...Object.keys(s.activity.properties)])].map(checkName);
  for (const kind of [s.flow, s.activity]) {
    // a Fields that is not an object reads as a struct of NULLs: a required field is what refuses it
    if (!kind.required?.length) throw new Error('the SQL checks need at least one required field per event kind');
  }
  const f = (name: string) => `f_${name}`;
  const refs = (name: string): ValueRefs => ({ text: f(name), str: `s_${name}`, int: `i_${name}` });
  const columns = `{'Type': 'VARCHAR', 'Timestamp': 'JSON', 'Fields': 'STRUCT(${fieldNames.map((n) => `"${n}" JSON`).join(', ')})'}`;
  const envelopeRefs = (n: string): ValueRefs =>
    n === 'Timestamp'
      ? { ...refs('Timestamp'), text: 'ts' }
      : n === 'Fields'
        ? { text: 'fields_text', str: 'NULL', int: 'NULL' }
        : { text: 'NULL', str: 'NULL', int: 'NULL' };
  const envelopeCheck = objectCheck(s.envelope, envelopeRefs);
  const flowCheck = objectCheck(s.flow, refs);
  const activityCheck = objectCheck(s.activity, refs);
  const str = (name: string) => `s_${name}`;
  const isFlow = `kind = 'flow'`;
  const isEvent = `kind IN ('flow', 'activity')`;
  const flowOnly = (name: string) => `CASE WHEN ${isFlow} THEN ${str(name)} END`;
  const utm = (name: string) => `CASE WHEN ${isFlow} AND f_dnt IS DISTINCT FROM 'true' THEN ${str(name)} END`;
  const exprs: Record<string, string> = {
    time_ms: `CASE WHEN ${isFlow} THEN i_time
      WHEN kind = 'activity' THEN COALESCE(i_time, i_Timestamp // 1000000) END`,
    flow_time: `CASE WHEN ${isFlow} THEN i_flow_time END`,
    flow_id: `CASE WHEN ${isFlow} THEN lower(${str('flow_id')}) END`,
    type: `CASE WHEN ${isFlow} THEN (CASE WHEN regexp_matches(${str('event')}, ${BEGIN_NAME}) THEN 'flow.begin' ELSE ${str('event')} END)
      WHEN kind = 'activity' THEN ${str('event')} END`,
    // the HMAC is taken here, in the scan's own projection: nothing after it (sort, join, spill) sees a raw uid
    uid: `CASE WHEN ${isEvent} AND s_uid IS NOT NULL THEN ${HMAC_SQL(`lower(${str('uid')})`)} END`,
    locale: flowOnly('locale'),
    ua: `CASE WHEN ${isEvent} THEN ${str('userAgent')} END`,
    context: flowOnly('context'),
    entrypoint: flowOnly('entrypoint'),
    migration: flowOnly('migration'),
    service: `CASE WHEN ${isEvent} THEN ${str('service')} END`,
    utm_campaign: utm('utm_campaign'),
    utm_content: utm('utm_content'),
    utm_medium: utm('utm_medium'),
    utm_source: utm('utm_source'),
    utm_term: utm('utm_term'),
    dnt: `CASE WHEN ${isFlow} THEN f_dnt IS NOT DISTINCT FROM 'true' END`,
    device_id: `CASE WHEN kind = 'activity' THEN NULLIF(lower(${str('device_id')}), '') END`,
  };
  const missing = SCAN_COLUMNS.filter(([n]) => !(n in exprs)).map(([n]) => n);
  if (missing.length) throw new Error(`the scan has no expression for raw column(s) ${missing.join(', ')}`);
  const select = SCAN_COLUMNS.map(([n, ty]) => `CAST(${exprs[n]} AS ${ty}) AS ${n}`);
  return `
    COPY (
      WITH lines AS (
        SELECT ordinality AS n, Type AS t, CAST(Timestamp AS VARCHAR) AS ts,
          CASE WHEN Fields IS NOT NULL THEN '{' END AS fields_text,
          ${fieldNames.map((n) => `CAST(Fields."${n}" AS VARCHAR) AS ${f(n)}`).join(', ')}
        FROM read_json(${sqlString(source)}, format = 'newline_delimited', columns = ${columns},
          ignore_errors = true, maximum_object_size = ${maxLineBytes}) WITH ORDINALITY
      ),
      valued AS (
        SELECT *, ${[...valueColumns('ts', refs('Timestamp')), ...fieldNames.flatMap((n) => valueColumns(f(n), refs(n)))].join(',\n          ')}
        FROM lines
      ),
      classified AS (
        SELECT *,
          CASE
            WHEN t IS NULL THEN 'explain'
            WHEN t NOT IN ('${METRIC_TYPES.flow}', '${METRIC_TYPES.activity}') THEN 'skip'
            WHEN NOT COALESCE(${envelopeCheck}, false) THEN 'explain'
            WHEN t = '${METRIC_TYPES.flow}' AND COALESCE(${flowCheck}, false) THEN 'flow'
            WHEN t = '${METRIC_TYPES.activity}' AND COALESCE(${activityCheck}, false) THEN 'activity'
            ELSE 'explain'
          END AS kind
        FROM valued
      )
      SELECT n AS _ord, kind, ${select.join(',\n        ')}
      FROM classified
    ) TO ${sqlString(out)} (FORMAT parquet)`;
}
