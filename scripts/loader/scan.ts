// The bulk of a load, one file at a time: DuckDB's read_json reads the
// file's lines from named pipes that this process fills (scan-sql.ts does
// the parsing, checks, normalisation and HMAC), and writes one staged
// Parquet row per line. This side reads the bytes once: it checksums them,
// counts the lines, and makes sure DuckDB numbers them as we do.
//
// Line numbers come from `WITH ORDINALITY`, which holds only if every line
// gives exactly one row. DuckDB skips blank lines, and its error recovery
// can read past a newline after a line that breaks off; so a line is passed
// on as it is only when it starts with `{` and ends with `}` (before an
// optional CR) and is no longer than MAX_LINE_BYTES. Any other line is
// passed as `{}` (a row without a Type), which sends it to JavaScript with
// the rest of the lines DuckDB did not accept: their text is read again
// from the file afterwards. A plain file over SPLIT_BYTES is cut at a
// newline into two pieces, each its own pipe and query, since ORDINALITY
// keeps a scan on one thread.
import { execFileSync } from 'node:child_process';
import { closeSync, createReadStream, openSync, readSync, rmSync, constants as fsConstants, statSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { blobValue, type DuckDBConnection, type DuckDBInstance } from '@duckdb/node-api';
import { isGzip } from './files.ts';
import { hmacPads, readEventSchemas, scanSql, type EventSchemas } from './scan-sql.ts';
import { sqlString } from './sql.ts';
import { LINE_BITS } from './staged-csv.ts';

/**
 * The scan's DuckDB holds raw uids (until its projection HMACs them) and raw
 * lines in its read buffers, which its buffer manager would write to a temp
 * file under memory pressure: so it has no temp directory and no temp space
 * (a query that would spill fails, and the file is read line by line), and a
 * fixed memory cap that a scan fits in with room (a piece streams through).
 */
export const SCAN_DUCKDB_SETTINGS: Record<string, string> = {
  temp_directory: '',
  max_temp_directory_size: '0B',
  memory_limit: '1GB',
  preserve_insertion_order: 'false',
};

/** Longest line DuckDB is given (its maximum_object_size); a longer one is explained by JavaScript. */
export const MAX_LINE_BYTES = 4 << 20;
/** A plain file larger than this is read by two queries at once. */
export const SPLIT_BYTES = 64 << 20;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const CR = 0x0d;
const LF = 0x0a;
const PLACEHOLDER = Buffer.from('{}');

/** A staged Parquet file of a piece: its _ord + ordOffset = file index × 2³² + line number. */
export interface ScannedPiece {
  path: string;
  ordOffset: number;
  /** lines in this piece */
  lines: number;
}

export interface FileScan {
  sha256: string;
  bytes: number;
  lines: number;
  /** one row per line, kind flow / activity / skip / explain */
  pieces: ScannedPiece[];
}

/** Where a piece of a plain file starts and ends, in bytes. */
interface PieceRange {
  start: number;
  end: number;
}

/** Byte ranges of the pieces: one for a .gz or a small file, else two cut after a newline. */
function pieceRanges(path: string, size: number): PieceRange[] | null {
  if (isGzip(path) || size <= SPLIT_BYTES) return null;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let pos = Math.floor(size / 2);
    while (pos < size) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      const nl = buf.subarray(0, n).indexOf(LF);
      if (nl !== -1) {
        const cut = pos + nl + 1;
        return cut < size ? [{ start: 0, end: cut }, { start: cut, end: size }] : null;
      }
      pos += n;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies whole lines to the pipe, each as it is or as `{}` (see the header),
 * counting them. The last line may lack its newline.
 */
class LineFeeder {
  lines = 0;
  private rest: Buffer | null = null;
  constructor(private readonly write: (b: Buffer) => Promise<void>) {}

  async push(chunk: Buffer): Promise<void> {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const last = buf.lastIndexOf(LF);
    if (last === -1) {
      this.rest = Buffer.from(buf);
      return;
    }
    await this.emit(buf.subarray(0, last + 1));
    this.rest = last + 1 < buf.length ? Buffer.from(buf.subarray(last + 1)) : null;
  }

  async end(): Promise<void> {
    if (this.rest && this.rest.length > 0) await this.emit(Buffer.concat([this.rest, Buffer.from('\n')]));
    this.rest = null;
  }

  /** whole lines, each ending in LF */
  private async emit(buf: Buffer): Promise<void> {
    let start = 0;
    let copied = 0;
    const parts: Buffer[] = [];
    while (start < buf.length) {
      const nl = buf.indexOf(LF, start);
      this.lines++;
      let e = nl;
      if (e > start && buf[e - 1] === CR) e--;
      const plain = buf[start] === OPEN_BRACE && e > start && buf[e - 1] === CLOSE_BRACE && e - start <= MAX_LINE_BYTES;
      if (!plain) {
        if (copied < start) parts.push(buf.subarray(copied, start));
        parts.push(PLACEHOLDER);
        copied = nl;
      }
      start = nl + 1;
    }
    if (parts.length === 0) return this.write(buf);
    parts.push(buf.subarray(copied));
    return this.write(Buffer.concat(parts));
  }
}

/**
 * Opens the writing end of a named pipe once its reader (DuckDB) has it
 * open, so that closing it is the reader's end of file; written on the
 * event loop, not the thread pool. Gives up (null) once `gaveUp` is true.
 */
async function openPipeWriter(path: string, gaveUp: () => boolean): Promise<Socket | null> {
  for (let wait = 1; ; wait = Math.min(wait * 2, 20)) {
    if (gaveUp()) return null;
    try {
      const fd = openSync(path, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
      const sock = new Socket({ fd, readable: false, writable: true });
      // errors (EPIPE when DuckDB stops reading) reach the writes' callbacks
      sock.on('error', () => {});
      return sock;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw e;
    }
    await sleep(wait);
  }
}

function writer(sock: Socket): (b: Buffer) => Promise<void> {
  return (b) =>
    new Promise((resolve, reject) => {
      if (sock.destroyed) return reject(new Error('pipe closed'));
      const ok = sock.write(b, (err) => (err ? reject(err) : undefined));
      if (ok) resolve();
      else sock.once('drain', resolve);
    });
}

/** Streams the bytes of [start, end) (or the whole file), gunzipped for .gz, through the feeder. */
async function feed(path: string, range: PieceRange | null, feeder: LineFeeder, onRaw: (b: Buffer) => void): Promise<void> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20, ...(range ? { start: range.start, end: range.end - 1 } : {}) });
  const gzip = isGzip(path);
  const stream = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  raw.on('error', (e) => stream.destroy(e));
  if (gzip) raw.on('data', (c) => onRaw(c as Buffer));
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (!gzip) onRaw(chunk);
    await feeder.push(chunk);
  }
  await feeder.end();
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
   * Scans one file into staged Parquet pieces. Throws ScanRefused when
   * DuckDB fails on it (the caller then reads the file line by line), and
   * the read error when the file cannot be read.
   */
  async scanFile(fileIndex: number, path: string, onBytes: (n: number) => void): Promise<FileScan> {
    const size = statSync(path).size;
    const ranges: (PieceRange | null)[] = pieceRanges(path, size) ?? [null];
    const hash: Hash = createHash('sha256');
    let bytes = 0;
    // the checksum needs the bytes in order: a split file is hashed by a read of its own
    const hashSeparately = ranges.length > 1;
    const hashed = hashSeparately ? hashFile(path, hash) : null;
    const runs = ranges.map((range, p) => ({
      range,
      fifo: join(this.stagingDir, `pipe-${fileIndex}-${p}`),
      out: join(this.stagingDir, `scan-${fileIndex}-${p}.parquet`),
    }));
    const socks: Socket[] = [];
    const cons: DuckDBConnection[] = [];
    let counted: { path: string; lines: number }[];
    try {
      const jobs = runs.map(async (r) => {
        execFileSync('mkfifo', ['-m', '600', r.fifo]);
        const con = await this.instance.connect();
        cons.push(con);
        let settled = false;
        const query = con.run(scanSql(this.schemas, r.fifo, r.out, MAX_LINE_BYTES), [
          blobValue(this.pads.inner),
          blobValue(this.pads.outer),
        ]);
        query.then(
          () => (settled = true),
          () => (settled = true),
        );
        const fed = (async () => {
          const sock = await openPipeWriter(r.fifo, () => settled);
          if (!sock) throw new Error('pipe closed');
          socks.push(sock);
          // a failed query stops reading: stop writing too, or the write waits for ever
          query.catch(() => sock.destroy());
          const feeder = new LineFeeder(writer(sock));
          await feed(path, r.range, feeder, (b) => {
            if (!hashSeparately) hash.update(b);
            bytes += b.length;
            onBytes(b.length);
          });
          await new Promise<void>((resolve) => sock.end(resolve));
          sock.destroy();
          return feeder.lines;
        })();
        const [fedResult, queryResult] = await Promise.allSettled([fed, query]);
        // a file that cannot be read is the file's fault; a query that fails is DuckDB's
        if (fedResult.status === 'rejected' && !(queryResult.status === 'rejected' && /pipe closed|EPIPE/.test(String(fedResult.reason)))) {
          throw fedResult.reason;
        }
        if (queryResult.status === 'rejected') throw new ScanRefused(String((queryResult.reason as Error)?.message ?? queryResult.reason));
        return { path: r.out, lines: (fedResult as PromiseFulfilledResult<number>).value };
      });
      const settled = await Promise.allSettled(jobs);
      for (const s of settled) if (s.status === 'rejected') throw s.reason;
      counted = settled.map((s) => (s as PromiseFulfilledResult<{ path: string; lines: number }>).value);
    } finally {
      for (const s of socks) s.destroy();
      for (const c of cons) c.closeSync();
      for (const r of runs) rmSync(r.fifo, { force: true });
    }
    if (hashed) bytes = await hashed;
    const pieces: ScannedPiece[] = [];
    let before = 0;
    for (const r of counted) {
      pieces.push({ path: r.path, ordOffset: fileIndex * LINE_BITS + before, lines: r.lines });
      before += r.lines;
    }
    return { sha256: hash.digest('hex'), bytes, lines: before, pieces };
  }

  /**
   * What the scan made of each piece: rows and days per table, lines
   * skipped, and the numbers of the lines left to JavaScript. Throws
   * ScanRefused when a piece's row count is not its line count.
   */
  async summarise(scan: FileScan, fileIndex: number): Promise<PieceSummary[]> {
    const con = await this.instance.connect();
    const out: PieceSummary[] = [];
    try {
      for (const [p, piece] of scan.pieces.entries()) {
        const src = `read_parquet(${sqlString(piece.path)})`;
        const byKind = new Map<string, { n: number; days: number[] }>();
        const reader = await con.runAndReadAll(
          `SELECT kind, count(*)::BIGINT AS n, list(DISTINCT time_ms // 86400000) AS days FROM ${src} GROUP BY kind`,
        );
        for (const r of reader.getRowObjectsJS()) {
          byKind.set(String(r.kind), { n: Number(r.n), days: ((r.days as (bigint | null)[] | null) ?? []).filter((d) => d !== null).map(Number) });
        }
        const rows = [...byKind.values()].reduce((a, k) => a + k.n, 0);
        if (rows !== piece.lines) throw new ScanRefused(`DuckDB read ${rows} rows from piece ${p}, which has ${piece.lines} lines`);
        const first = piece.ordOffset - fileIndex * LINE_BITS;
        const explain = (byKind.get('explain')?.n ?? 0) > 0
          ? (await con.runAndReadAll(`SELECT _ord FROM ${src} WHERE kind = 'explain' ORDER BY _ord`)).getRowsJS().map(([o]) => first + Number(o))
          : [];
        out.push({
          piece,
          flow: byKind.get('flow') ?? { n: 0, days: [] },
          activity: byKind.get('activity') ?? { n: 0, days: [] },
          skipped: byKind.get('skip')?.n ?? 0,
          explainLines: explain,
        });
      }
    } finally {
      con.closeSync();
    }
    return out;
  }
}

export interface PieceSummary {
  piece: ScannedPiece;
  /** rows and day numbers (days since the epoch) of each table */
  flow: { n: number; days: number[] };
  activity: { n: number; days: number[] };
  skipped: number;
  /** line numbers in the file, ascending */
  explainLines: number[];
}

/** DuckDB could not read a file as we number it: the caller reads it line by line instead. */
export class ScanRefused extends Error {}

async function hashFile(path: string, hash: Hash): Promise<number> {
  let n = 0;
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(c as Buffer);
    n += (c as Buffer).length;
  }
  return n;
}
