// RawZoneWriter on DuckDB. Rows arrive two ways: the scan's staged Parquet
// files (scan.ts; one row per line, uids HMACed, the raw user agent), and
// the rows of lines JavaScript accepted after DuckDB did not (staged as CSV,
// staged-csv.ts). On finish() the user agents of the scanned rows are parsed
// once each into a lookup table, then one statement per table reads both
// with declared column types, adds the lineage columns and the day, drops
// duplicates (within the batch, keeping the first occurrence, and against
// the committed Parquet files of the same days) and writes Parquet
// partitioned by day, all inside the load's staging dir.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { layout, RAW_TABLES, type RawTable } from '../lib/paths.ts';
import { DUPLICATE_KEYS, RAW_COLUMNS, type RawRow } from './raw-schema.ts';
import { LINE_BITS, ordOf, rowCsv, STAGED_COLUMNS } from './staged-csv.ts';
import { sqlString, sqlStringList } from './sql.ts';
import { makeUserAgentParser } from './user-agent.ts';
import type { RawZoneWriter, RowBatch, StagedOutput, WriteSummary } from './writer.ts';

export const EMPTY_DAY = '1970-01-01';
export const EMPTY_FILE = '_empty.parquet';

/** An in-memory DuckDB that never downloads anything. Close it with closeSync(). */
export async function openDuckDb(settings: Record<string, string> = {}): Promise<DuckDBInstance> {
  return DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', ...settings });
}

/**
 * Settings of the DuckDB that writes a load's Parquet. A production day is
 * tens of millions of rows: the duplicate check (an aggregate over every
 * staged row) must be able to spill, or it fails for lack of memory.
 * Spilling is safe here because this DuckDB only ever reads staged rows,
 * whose uids are HMACed (the scan runs in a DuckDB of its own that cannot
 * spill: scan.ts). The spill files stay in the load's staging dir and go
 * with it. FXA_LOADER_MEMORY_LIMIT overrides the default memory cap.
 */
function writerSettings(stagingDir: string): Record<string, string> {
  return {
    memory_limit: process.env.FXA_LOADER_MEMORY_LIMIT ?? '2GB',
    temp_directory: join(stagingDir, 'duckdb-spill'),
    preserve_insertion_order: 'false',
  };
}

const FLUSH_BYTES = 4 << 20;

class StagedTable {
  fd: number | null = null;
  buffer: string[] = [];
  bufferedBytes = 0;
  rows = 0;
  /** rows in the CSV file itself (the rest are in Parquet files) */
  csvRows = 0;
  /** the scan's staged Parquet files holding rows of this table */
  parquet: { path: string; ordOffset: number }[] = [];
  perFile = new Map<string, number>();
  days = new Set<string>();
  /** the longest text added at once, in UTF-16 units: no staged row is longer */
  longestChars = 0;
  constructor(readonly path: string) {}

  add(encoded: string, rows: number, sourceFile: string, days: Iterable<string>): void {
    if (rows === 0) return;
    if (encoded.length > this.longestChars) this.longestChars = encoded.length;
    this.buffer.push(encoded);
    this.bufferedBytes += encoded.length;
    this.csvRows += rows;
    this.count(rows, sourceFile, days);
    if (this.bufferedBytes >= FLUSH_BYTES) this.flush();
  }

  addParquet(path: string, ordOffset: number, rows: number, sourceFile: string, days: Iterable<string>): void {
    if (rows === 0) return;
    this.parquet.push({ path, ordOffset });
    this.count(rows, sourceFile, days);
  }

  private count(rows: number, sourceFile: string, days: Iterable<string>): void {
    this.rows += rows;
    this.perFile.set(sourceFile, (this.perFile.get(sourceFile) ?? 0) + rows);
    for (const d of days) this.days.add(d);
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    if (this.fd === null) this.fd = openSync(this.path, 'w');
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.bufferedBytes = 0;
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export class DuckDbRawZoneWriter implements RawZoneWriter {
  private readonly tables: Record<RawTable, StagedTable>;
  /** source files by file index (the high part of _ord) */
  private readonly sources: string[] = [];

  constructor(private readonly opts: { dataDir: string; loadId: string; stagingDir: string }) {
    mkdirSync(opts.stagingDir, { recursive: true });
    this.tables = {
      flow_events: new StagedTable(join(opts.stagingDir, 'flow_events.csv')),
      activity_events: new StagedTable(join(opts.stagingDir, 'activity_events.csv')),
    };
  }

  /** Rows added one at a time get their file index from the order their source files first appear. */
  add(table: RawTable, row: RawRow, day: string): void {
    let fileIndex = this.sources.indexOf(row.source_file);
    if (fileIndex === -1) fileIndex = this.sources.push(row.source_file) - 1;
    this.tables[table].add(rowCsv(table, ordOf(fileIndex, row.source_line), row), 1, row.source_file, [day]);
  }

  addBatch(b: RowBatch): void {
    this.noteSource(b.fileIndex, b.sourceFile);
    this.tables[b.table].add(b.encoded, b.rows, b.sourceFile, b.days);
  }

  /**
   * The rows of one table in a staged scan file (scan-sql.ts: _ord + ordOffset
   * is the row's ord, `kind` says its table, uids already HMACed).
   */
  addScanned(b: Omit<RowBatch, 'encoded'> & { path: string; ordOffset: number }): void {
    this.noteSource(b.fileIndex, b.sourceFile);
    this.tables[b.table].addParquet(b.path, b.ordOffset, b.rows, b.sourceFile, b.days);
  }

  private noteSource(fileIndex: number, sourceFile: string): void {
    const known = this.sources[fileIndex];
    if (known === undefined) this.sources[fileIndex] = sourceFile;
    else if (known !== sourceFile) throw new Error(`file index ${fileIndex} is ${known}, not ${sourceFile}`);
  }

  staged(): Record<RawTable, Map<string, number>> {
    return { flow_events: this.tables.flow_events.perFile, activity_events: this.tables.activity_events.perFile };
  }

  async finish(): Promise<WriteSummary> {
    for (const t of RAW_TABLES) this.tables[t].close();
    const summary: WriteSummary = {
      outputs: [],
      written: { flow_events: new Map(), activity_events: new Map() },
      daysTouched: [],
    };
    const days = new Set<string>();
    const instance = await openDuckDb(writerSettings(this.opts.stagingDir));
    const con = await instance.connect();
    try {
      {
        await this.createSources(con);
        await this.createUaMap(con);
        for (const t of RAW_TABLES) {
          summary.outputs.push(...(await this.writeSchemaFile(con, t)));
          if (this.tables[t].rows === 0) continue;
          const outDir = join(this.opts.stagingDir, 'out', t);
          mkdirSync(join(this.opts.stagingDir, 'out'), { recursive: true });
          await con.run(this.copySql(t, outDir));
          const outputs = this.collectOutputs(t, outDir);
          for (const o of outputs) {
            summary.outputs.push(o);
            days.add(o.day);
          }
          summary.written[t] = await this.writtenPerFile(
            con,
            outputs.map((o) => o.staged),
          );
        }
      }
    } finally {
      con.closeSync();
      instance.closeSync();
    }
    summary.daysTouched = [...days].sort();
    return summary;
  }

  async abort(): Promise<void> {
    for (const t of RAW_TABLES) this.tables[t].close();
  }

  /** The zero-row file that lets readers find a table before its first event (docs/raw-zone.md). */
  private async writeSchemaFile(con: DuckDBConnection, t: RawTable): Promise<StagedOutput[]> {
    const target = join(layout(this.opts.dataDir).rawPartition(t, EMPTY_DAY), EMPTY_FILE);
    if (existsSync(target)) return [];
    const staged = join(this.opts.stagingDir, `${t}${EMPTY_FILE}`);
    const cols = RAW_COLUMNS[t].map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`).join(', ');
    await con.run(`COPY (SELECT ${cols} LIMIT 0) TO ${sqlString(staged)} (FORMAT parquet)`);
    return [{ table: t, day: EMPTY_DAY, staged, target }];
  }

  /** ua_browser / ua_version / ua_os of every user agent of the scanned rows, parsed once each (user-agent.ts). */
  private async createUaMap(con: DuckDBConnection): Promise<void> {
    await con.run('CREATE TEMP TABLE ua_map (ua VARCHAR PRIMARY KEY, ua_browser VARCHAR, ua_version VARCHAR, ua_os VARCHAR)');
    const files = [...new Set(RAW_TABLES.flatMap((t) => this.tables[t].parquet.map((p) => p.path)))];
    if (files.length === 0) return;
    const reader = await con.runAndReadAll(
      `SELECT DISTINCT ua FROM read_parquet(${sqlStringList(files)}) WHERE ua IS NOT NULL AND ua <> ''`,
    );
    const parse = makeUserAgentParser();
    const appender = await con.createAppender('ua_map');
    try {
      for (const [ua] of reader.getRowsJS()) {
        const p = parse(ua as string);
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

  /** The lineage of every file index, as bound values: paths are data, never SQL text. */
  private async createSources(con: DuckDBConnection): Promise<void> {
    await con.run('CREATE TEMP TABLE sources (idx BIGINT, path VARCHAR, load_id VARCHAR)');
    for (let i = 0; i < this.sources.length; i++) {
      if (this.sources[i] === undefined) continue;
      await con.run('INSERT INTO sources VALUES ($1, $2, $3)', [i, this.sources[i], this.opts.loadId]);
    }
  }

  /** Committed data files of the days this batch touches: the only place an earlier copy of a key can be. */
  private existingFiles(t: RawTable): string[] {
    const out: string[] = [];
    for (const day of [...this.tables[t].days].sort()) {
      const dir = layout(this.opts.dataDir).rawPartition(t, day);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).sort()) {
        if (name.endsWith('.parquet') && name !== EMPTY_FILE) out.push(join(dir, name));
      }
    }
    return out;
  }

  private copySql(t: RawTable, outDir: string): string {
    const declared = [`_ord: 'BIGINT'`, ...STAGED_COLUMNS[t].map(([n, ty]) => `${n}: '${ty}'`)].join(', ');
    const lineage: Record<string, string> = {
      source_file: 's.path',
      source_line: `(f._ord % ${LINE_BITS})`,
      load_id: 's.load_id',
    };
    const select = RAW_COLUMNS[t].map(([n]) => (lineage[n] ? `${lineage[n]} AS ${n}` : `f.${n}`));
    const keys = DUPLICATE_KEYS[t];
    const existing = this.existingFiles(t);
    const notStoredYet = existing.length
      ? `WHERE NOT EXISTS (
           SELECT 1 FROM read_parquet(${sqlStringList(existing)}, hive_partitioning = false) AS e
           WHERE ${keys.map((k) => `e.${k} IS NOT DISTINCT FROM f.${k}`).join(' AND ')})`
      : '';
    const staged = this.tables[t];
    // A row may hold very long strings (a 10 KB user agent is ordinary), but
    // DuckDB reserves buffers of several times max_line_size, so size it from
    // the longest text staged at once (3 UTF-8 bytes per UTF-16 unit at most).
    const maxLine = Math.max(1 << 20, 3 * staged.longestChars + 1024);
    const parts: string[] = [];
    if (staged.csvRows > 0) {
      parts.push(`SELECT * FROM read_csv(${sqlString(staged.path)},
            header = false, auto_detect = false, columns = {${declared}}, delim = ',', quote = '"', escape = '"',
            allow_quoted_nulls = false, new_line = '\\n', max_line_size = ${maxLine}, buffer_size = ${2 * maxLine})`);
    }
    const kind = t === 'flow_events' ? 'flow' : 'activity';
    const fromUa = new Set(['ua_browser', 'ua_version', 'ua_os']);
    const cols = STAGED_COLUMNS[t].map(([n]) => (fromUa.has(n) ? `m.${n}` : `p.${n}`)).join(', ');
    for (const p of staged.parquet) {
      parts.push(`SELECT p._ord + ${p.ordOffset} AS _ord, ${cols}
            FROM read_parquet(${sqlString(p.path)}) AS p LEFT JOIN ua_map AS m ON m.ua = p.ua
            WHERE p.kind = '${kind}'`);
    }
    return `
      COPY (
        WITH staged AS (
          ${parts.join('\n          UNION ALL\n          ')}
        ),
        -- The first copy of each key. A grouped min() rather than a window
        -- over whole rows: DuckDB's aggregate spills to disk, so a
        -- production-size day fits under the memory cap.
        first_ords AS (
          SELECT min(_ord) AS _ord FROM staged GROUP BY ${keys.join(', ')}
        )
        SELECT ${select.join(', ')}, strftime(epoch_ms(f.time_ms), '%Y-%m-%d') AS day
        FROM staged AS f
        SEMI JOIN first_ords AS k ON k._ord = f._ord
        JOIN sources AS s ON s.idx = f._ord // ${LINE_BITS}
        ${notStoredYet}
      ) TO ${sqlString(outDir)} (FORMAT parquet, PARTITION_BY (day), FILENAME_PATTERN ${sqlString(`${this.opts.loadId}_{i}`)})`;
  }

  /** Staged Parquet files → their places in raw/; normally one file per day, named <load-id>.parquet. */
  private collectOutputs(t: RawTable, outDir: string): StagedOutput[] {
    if (!existsSync(outDir)) return [];
    const out: StagedOutput[] = [];
    for (const part of readdirSync(outDir).sort()) {
      const m = /^day=(\d{4}-\d{2}-\d{2})$/.exec(part);
      if (!m) continue;
      const files = readdirSync(join(outDir, part))
        .filter((n) => n.endsWith('.parquet'))
        .sort();
      files.forEach((name, i) => {
        const targetName = i === 0 ? `${this.opts.loadId}.parquet` : `${this.opts.loadId}-${i}.parquet`;
        out.push({
          table: t,
          day: m[1],
          staged: join(outDir, part, name),
          target: join(layout(this.opts.dataDir).rawPartition(t, m[1]), targetName),
        });
      });
    }
    return out;
  }

  private async writtenPerFile(con: DuckDBConnection, files: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (files.length === 0) return out;
    const reader = await con.runAndReadAll(
      `SELECT source_file, count(*) AS n FROM read_parquet(${sqlStringList(files)}, hive_partitioning = false) GROUP BY source_file`,
    );
    for (const r of reader.getRowObjects()) out.set(String(r.source_file), Number(r.n));
    return out;
  }
}
