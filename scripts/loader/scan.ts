// The bulk of a load, one file at a time: DuckDB's read_json reads the file
// itself (plain or .gz) and scan-sql.ts parses, checks, normalises and
// HMACs every line into one staged Parquet row per line. Meanwhile this
// thread reads the same bytes once: it checksums them, counts the lines,
// and notes the lines DuckDB skips, so that DuckDB's row numbers can be
// turned into line numbers.
//
// `WITH ORDINALITY` numbers DuckDB's rows; it runs the scan on one thread,
// which is also what keeps a second core free for the checksum. DuckDB
// skips a line of only whitespace (isspace: space, tab, CR, LF, VT, FF), so
// row k is line k plus the number of such lines before it. Every other line
// gives one row, a row of NULLs when DuckDB cannot parse it (then JavaScript
// explains it). If DuckDB's row count is not the count of lines it should
// have given, or it fails on the file, the file is read line by line.
import { createReadStream, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { blobValue, type DuckDBInstance } from '@duckdb/node-api';
import { FileReadError, isGzip, readFailure } from './files.ts';
import { hmacPads, readEventSchemas, scanSql, type EventSchemas } from './scan-sql.ts';
import { sqlString } from './sql.ts';
import { LINE_BITS } from './staged-csv.ts';

/**
 * The scan's DuckDB holds raw uids (until its projection HMACs them) and raw
 * lines in its read buffers, which its buffer manager would write to a temp
 * file under memory pressure: so it has no temp directory and no temp space
 * (a query that would spill fails, and the file is read line by line), and a
 * fixed memory cap that a scan fits in with room (the file streams through).
 */
export const SCAN_DUCKDB_SETTINGS: Record<string, string> = {
  temp_directory: '',
  max_temp_directory_size: '0B',
  memory_limit: '1GB',
  preserve_insertion_order: 'false',
  // ORDINALITY keeps the scan on one thread; a second one only spins (M: 30 CPU-s against 14, no faster)
  threads: '1',
};

/** Longest line DuckDB is given (its maximum_object_size); a longer one is explained by JavaScript. */
export const MAX_LINE_BYTES = 4 << 20;
const LF = 0x0a;
const OPEN_BRACE = 0x7b;
/** bytes C's isspace() accepts: DuckDB skips a line made of these only */
const SPACE = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]) SPACE[b] = 1;

/** Counts lines and notes those made of whitespace only, across chunks. */
class LineCounter {
  lines = 0;
  /** 1-based numbers of the lines DuckDB skips, ascending */
  readonly blank: number[] = [];
  /** the current line has held only whitespace so far */
  private allSpace = true;
  /** the current line has at least one byte */
  private open = false;
  /** the last line had no newline after it */
  unterminated = false;

  push(buf: Buffer): void {
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(LF, start);
      const end = nl === -1 ? buf.length : nl;
      // fast path: a line that starts with '{' is not blank
      if (this.allSpace && end > start) {
        if (buf[start] === OPEN_BRACE) this.allSpace = false;
        else for (let i = start; i < end && this.allSpace; i++) if (!SPACE[buf[i]]) this.allSpace = false;
      }
      if (end > start) this.open = true;
      if (nl === -1) return;
      this.endLine();
      start = nl + 1;
    }
  }

  end(): void {
    this.unterminated = this.open;
    if (this.open) this.endLine();
  }

  private endLine(): void {
    this.lines++;
    if (this.allSpace) this.blank.push(this.lines);
    this.allSpace = true;
    this.open = false;
  }
}

export interface FileScan {
  sha256: string;
  /** bytes of the file itself (compressed, for .gz) */
  bytes: number;
  lines: number;
  /** the staged Parquet file: one row per line DuckDB did not skip, _ord = row number */
  path: string;
  /** line numbers of the lines DuckDB skipped (whitespace only), ascending */
  blank: number[];
  /** the last line has no newline after it */
  unterminated: boolean;
}

export interface ScanSummary {
  /** rows and day numbers (days since the epoch) of each table */
  flow: { n: number; days: number[] };
  activity: { n: number; days: number[] };
  /** lines of another Type and lines of whitespace only */
  skipped: number;
  /** line numbers of the lines JavaScript is to explain, ascending */
  explainLines: number[];
  /** the staged Parquet file and what to add to its _ord for file index × 2³² + line number */
  path: string;
  ordOffset: number;
  /** the last line was held back (not counted, not staged), as the file is still written */
  held: boolean;
}

/** DuckDB could not read a file as we number it: the caller reads it line by line instead. */
export class ScanRefused extends Error {}

/** Reads the file's bytes once: sha256 of the bytes as stored, and the lines of its content. */
async function countLines(path: string, onBytes: (n: number) => void): Promise<{ sha256: string; bytes: number; counter: LineCounter }> {
  const hash = createHash('sha256');
  const counter = new LineCounter();
  let bytes = 0;
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const gzip = isGzip(path);
  const stream = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  raw.on('error', (e) => stream.destroy(e));
  if (gzip) {
    raw.on('data', (c) => {
      hash.update(c as Buffer);
      bytes += (c as Buffer).length;
      onBytes((c as Buffer).length);
    });
  }
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (!gzip) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes(chunk.length);
    }
    counter.push(chunk);
  }
  counter.end();
  return { sha256: hash.digest('hex'), bytes, counter };
}

/** line number of DuckDB's row k, given the skipped lines */
export function lineOfRow(k: number, blank: number[]): number {
  // the j-th skipped line (1-based) has blank[j-1] - j rows before it
  let lo = 0;
  let hi = blank.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (blank[mid] - (mid + 1) < k) lo = mid + 1;
    else hi = mid;
  }
  return k + lo;
}

export class Scanner {
  private readonly schemas: EventSchemas = readEventSchemas();
  private readonly pads: { inner: Uint8Array; outer: Uint8Array };

  constructor(
    private readonly instance: DuckDBInstance,
    hmacKey: string,
    private readonly stagingDir: string,
  ) {
    this.pads = hmacPads(hmacKey);
  }

  /**
   * Scans one file into a staged Parquet file while this thread checksums
   * and counts it. Throws ScanRefused when DuckDB fails on it (the caller
   * then reads it line by line), and FileReadError when it cannot be read
   * to its end (then nothing of it is kept).
   */
  async scanFile(fileIndex: number, path: string, onBytes: (n: number) => void): Promise<FileScan> {
    const out = join(this.stagingDir, `scan-${fileIndex}.parquet`);
    const con = await this.instance.connect();
    try {
      const query = con.run(scanSql(this.schemas, path, out, MAX_LINE_BYTES), [blobValue(this.pads.inner), blobValue(this.pads.outer)]);
      const [read, scanned] = await Promise.allSettled([countLines(path, onBytes), query]);
      // a file that cannot be read is the file's fault; a query that fails on a readable file is DuckDB's
      if (read.status === 'rejected') {
        rmSync(out, { force: true });
        throw new FileReadError(path, readFailure(read.reason));
      }
      if (scanned.status === 'rejected') throw new ScanRefused(String((scanned.reason as Error)?.message ?? scanned.reason));
      const { sha256, bytes, counter } = read.value;
      return { sha256, bytes, lines: counter.lines, path: out, blank: counter.blank, unterminated: counter.unterminated };
    } finally {
      con.closeSync();
    }
  }

  /**
   * What the scan made of the file: rows and days per table, lines skipped,
   * and the numbers of the lines left to JavaScript. Throws ScanRefused
   * when DuckDB's row count is not the count of lines it should have read.
   * With holdUnterminated, a last line without a newline is held back: it
   * is neither counted nor staged.
   */
  async summarise(scan: FileScan, fileIndex: number, holdUnterminated: boolean): Promise<ScanSummary> {
    const con = await this.instance.connect();
    try {
      const src = `read_parquet(${sqlString(scan.path)})`;
      const kinds = async (file: string) => {
        const byKind = new Map<string, { n: number; days: number[] }>();
        const reader = await con.runAndReadAll(
          `SELECT kind, count(*)::BIGINT AS n, list(DISTINCT time_ms // 86400000) AS days FROM read_parquet(${sqlString(file)}) GROUP BY kind`,
        );
        for (const r of reader.getRowObjectsJS()) {
          const days = ((r.days as (bigint | null)[] | null) ?? []).filter((d) => d !== null).map(Number);
          byKind.set(String(r.kind), { n: Number(r.n), days });
        }
        return byKind;
      };
      let byKind = await kinds(scan.path);
      const rows = [...byKind.values()].reduce((a, k) => a + k.n, 0);
      if (rows + scan.blank.length !== scan.lines) {
        throw new ScanRefused(`DuckDB read ${rows} rows from ${scan.lines} lines, ${scan.blank.length} of them blank`);
      }
      const held = holdUnterminated && scan.unterminated;
      // the held line is DuckDB's last row, unless it is whitespace only (then DuckDB skipped it)
      const heldBlank = held && scan.blank.at(-1) === scan.lines;
      const dropLastRow = held && !heldBlank;
      let path = scan.path;
      if (scan.blank.length > 0 || dropLastRow) {
        // rare: renumber the rows after skipped lines (the shifts go in by bound values), drop a held row
        path = join(this.stagingDir, `scan-${fileIndex}-lines.parquet`);
        await con.run('CREATE OR REPLACE TEMP TABLE shifts (after_rows BIGINT, shift BIGINT)');
        const app = await con.createAppender('shifts');
        for (const [j, b] of scan.blank.entries()) {
          app.appendBigInt(BigInt(b - (j + 1)));
          app.appendBigInt(BigInt(j + 1));
          app.endRow();
        }
        app.closeSync();
        const keep = dropLastRow ? `WHERE s._ord < (SELECT max(_ord) FROM ${src})` : '';
        await con.run(`COPY (
            SELECT s._ord + COALESCE(g.shift, 0) AS _ord, s.* EXCLUDE (_ord)
            FROM ${src} AS s ASOF LEFT JOIN shifts AS g ON s._ord > g.after_rows ${keep}
          ) TO ${sqlString(path)} (FORMAT parquet)`);
        if (dropLastRow) byKind = await kinds(path);
      }
      const explainN = byKind.get('explain')?.n ?? 0;
      const explainLines =
        explainN > 0
          ? (await con.runAndReadAll(`SELECT _ord FROM ${src} WHERE kind = 'explain' ORDER BY _ord`))
              .getRowsJS()
              .map(([o]) => lineOfRow(Number(o), scan.blank))
              .filter((line) => !(dropLastRow && line === scan.lines))
          : [];
      return {
        flow: byKind.get('flow') ?? { n: 0, days: [] },
        activity: byKind.get('activity') ?? { n: 0, days: [] },
        skipped: (byKind.get('skip')?.n ?? 0) + scan.blank.length - (heldBlank ? 1 : 0),
        explainLines,
        path,
        ordOffset: fileIndex * LINE_BITS,
        held,
      };
    } finally {
      con.closeSync();
    }
  }
}
