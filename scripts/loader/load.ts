// One load: DuckDB reads, checks and stages the new files, JavaScript
// explains the lines it did not accept, the rows are written as Parquet
// aside, then the load is committed (manifest.ts).
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { usageError } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { layout, RAW_TABLES } from '../lib/paths.ts';
import { addCounts, zeroCounts, type LoadCounts, type LoadedFile } from './counts.ts';
import { crashPoint } from './crash.ts';
import { DuckDbRawZoneWriter, openDuckDb } from './duckdb-writer.ts';
import { FileReadError, listLogFiles, readFailure, STILL_WRITTEN_WITHIN_MS } from './files.ts';
import { makeChunkProcessor, makeLineSetProcessor, type ChunkResult } from './chunk.ts';
import { readLineChunks, readSelectedLines, sha256File } from './lines.ts';
import {
  commitRecord,
  committedRecords,
  newLoadId,
  recoverDataDir,
  removeStaging,
  writePendingRecord,
  type LoadRecord,
  type PlannedMove,
} from './manifest.ts';
import { makeUidHasher, scrubUidLikeRuns } from './privacy.ts';
import { createProgress, type Progress, type ProgressMode } from './progress.ts';
import { QuarantineWriter } from './quarantine.ts';
import { SCAN_DUCKDB_SETTINGS, ScanRefused, Scanner, type FileScan, type ScanSummary } from './scan.ts';
import { makeDayOf, type RawZoneWriter } from './writer.ts';

export interface LoadOptions {
  /** absolute */
  dataDir: string;
  /** secret; never printed */
  hmacKey: string;
  /** files or directories */
  inputs: string[];
  /** 'auto' = a bar on a TTY (stderr), plain log lines otherwise */
  progress?: ProgressMode;
}

export interface LoadResult {
  /** null when nothing new was loaded (no-op) */
  loadId: string | null;
  noop: boolean;
  files: LoadedFile[];
  /** totals of the files loaded now (already-loaded files count zero) */
  counts: LoadCounts;
  /** sorted YYYY-MM-DD of every day partition this load wrote rows to */
  daysTouched: string[];
  quarantineFile: string | null;
}

interface Pending {
  path: string;
  sha256: string;
  bytes: number;
  counts: LoadCounts;
  status: LoadedFile['status'];
  reason?: string;
  /** changed within STILL_WRITTEN_WITHIN_MS: a last line without a newline is held back */
  recent: boolean;
  /** its last line was held back */
  held?: boolean;
}

/** A file's entry in the load result and record: the optional keys only when they say something. */
function fileEntry(f: Pending): LoadedFile {
  const { path, sha256, bytes, counts, status } = f;
  return {
    path,
    sha256,
    bytes,
    status,
    counts,
    ...(f.reason ? { reason: f.reason } : {}),
    ...(f.held ? { incomplete_last_line: true } : {}),
  };
}

/** The file could not be read to its end: nothing of it is kept, and its checksum says whether a later load reads it again. */
async function markUnreadable(file: Pending, reason: string, hmacKey: string): Promise<void> {
  file.status = 'unreadable';
  file.reason = scrubUidLikeRuns(reason, makeUidHasher(hmacKey));
  file.counts = zeroCounts();
  file.sha256 = await sha256File(file.path).catch(() => '');
  log.warn('a file cannot be read; it is reported, and the other files are loaded', { file: file.path, reason: file.reason });
}

/** Adds one chunk's outcome to its file's counts, the writer and the quarantine. */
function consume(
  file: Pending,
  fileIndex: number,
  r: ChunkResult,
  writer: RawZoneWriter,
  quarantine: QuarantineWriter,
  progress: Progress,
): void {
  const c = file.counts;
  c.lines_read += r.lines;
  c.skipped += r.skipped;
  for (const [reason, n] of Object.entries(r.rejected_by_reason)) {
    c.rejected += n;
    c.rejected_by_reason[reason] = (c.rejected_by_reason[reason] ?? 0) + n;
  }
  for (const q of r.quarantine) quarantine.add(q);
  for (const table of RAW_TABLES) {
    const b = r.tables[table];
    writer.addBatch({ table, fileIndex, sourceFile: file.path, encoded: b.csv, rows: b.rows, days: b.days });
  }
  progress.lines(r.lines);
}

/**
 * Says why a file is read line by line. DuckDB's message is cut to its
 * first line (later lines may quote the file) and uid-like runs are HMACed.
 */
function logWholeFileFallback(path: string, error: unknown, hmacKey: string): void {
  const first = scrubUidLikeRuns(
    String((error as Error).message ?? error)
      .split('\n')[0]
      .slice(0, 200),
    makeUidHasher(hmacKey),
  );
  log.warn('DuckDB could not read the file as numbered lines; it is read line by line', { file: path, error: first });
}

/**
 * The one load path, file by file in input order: DuckDB scans the file
 * (scan.ts) into staged rows while this thread checksums it and counts its
 * lines; then the lines DuckDB did not accept are read again and explained
 * here (chunk.ts), which writes their quarantine records (or, for the few
 * it accepts, their rows). A file DuckDB cannot read as numbered lines is
 * read line by line here whole.
 */
async function stageFiles(
  toLoad: Pending[],
  hmacKey: string,
  loadId: string,
  scanner: Scanner,
  writer: DuckDbRawZoneWriter,
  quarantine: QuarantineWriter,
  progress: Progress,
): Promise<void> {
  const explain = makeLineSetProcessor(hmacKey, loadId);
  const dayOf = makeDayOf();
  let perLine: ReturnType<typeof makeChunkProcessor> | null = null;
  for (let fileIndex = 0; fileIndex < toLoad.length; fileIndex++) {
    const file = toLoad[fileIndex];
    let summary: ScanSummary | null = null;
    let scanned: FileScan | null = null;
    try {
      scanned = await scanner.scanFile(fileIndex, file.path, (n) => progress.bytes(n));
      summary = await scanner.summarise(scanned, fileIndex, file.recent);
    } catch (e) {
      if (e instanceof FileReadError) {
        await markUnreadable(file, e.reason, hmacKey);
        continue;
      }
      if (!(e instanceof ScanRefused)) throw e;
      logWholeFileFallback(file.path, e, hmacKey);
    }
    if (scanned && summary) {
      file.sha256 ||= scanned.sha256;
      file.bytes = scanned.bytes;
      file.held = summary.held;
      for (const [table, k] of [
        ['flow_events', summary.flow],
        ['activity_events', summary.activity],
      ] as const) {
        writer.addScanned({
          table,
          fileIndex,
          sourceFile: file.path,
          path: summary.path,
          ordOffset: summary.ordOffset,
          rows: k.n,
          days: k.days.map((d) => dayOf(d * 86_400_000)),
        });
      }
      const explainLines = summary.explainLines;
      // the scan's own outcomes first (no rejects, no rows to stage), then the explained lines
      consume(
        file,
        fileIndex,
        { ...emptyResult(), lines: scanned.lines - explainLines.length - (summary.held ? 1 : 0), skipped: summary.skipped },
        writer,
        quarantine,
        progress,
      );
      for await (const batch of readSelectedLines(file.path, explainLines)) {
        consume(file, fileIndex, explain({ fileIndex, sourceFile: file.path, lines: batch }), writer, quarantine, progress);
      }
    } else {
      if (scanned) rmSync(scanned.path, { force: true });
      perLine ??= makeChunkProcessor(hmacKey, loadId);
      const hash = createHash('sha256');
      let bytes = 0;
      const onRaw = (b: Buffer) => {
        hash.update(b);
        bytes += b.length;
      };
      const hold = file.recent ? () => (file.held = true) : undefined;
      try {
        for await (const piece of readLineChunks(file.path, onRaw, hold)) {
          const chunk = { bytes: piece.bytes, fileIndex, sourceFile: file.path, firstLine: piece.firstLine };
          consume(file, fileIndex, perLine(chunk), writer, quarantine, progress);
        }
      } catch (e) {
        // it was read whole by the scan a moment ago, and part of it is staged now: the load stops
        throw new Error(`cannot read ${file.path}: ${readFailure(e)}`, { cause: e });
      }
      file.sha256 ||= hash.digest('hex');
      file.bytes = bytes;
    }
    crashPoint('staging');
  }
}

function emptyResult(): ChunkResult {
  return {
    lines: 0,
    skipped: 0,
    rejected_by_reason: {},
    quarantine: [],
    tables: {
      flow_events: { csv: '', rows: 0, days: [] },
      activity_events: { csv: '', rows: 0, days: [] },
    },
  };
}

export async function loadFiles(opts: LoadOptions): Promise<LoadResult> {
  if (!opts.hmacKey) throw usageError('no uid HMAC key given');
  const { files, unreadable: unopenable } = listLogFiles(opts.inputs);
  const dataDir = opts.dataDir;
  recoverDataDir(dataDir);

  // A file whose content was committed before, or that repeats another input, is not read again,
  // unless its last line was held back; a file found unreadable before is not read again unless
  // its content changed. Only a file whose size equals that of a recorded file or of another input
  // can be such a repeat: those are checksummed first; every other file while it is loaded.
  const records = committedRecords(dataDir);
  const done = new Set(records.flatMap((r) => r.files.filter((f) => !f.incomplete_last_line).map((f) => f.sha256)));
  const knownUnreadable = new Map<string, string>();
  for (const r of records)
    for (const f of r.unreadable ?? [])
      if (f.sha256) knownUnreadable.set(f.sha256, `${f.reason} (unchanged since load ${r.load_id}: not read again)`);
  const now = Date.now();
  const stats = files.map((path) => statSync(path));
  const sizeSeen = new Map<number, number>();
  for (const r of records) for (const f of [...r.files, ...(r.unreadable ?? [])]) sizeSeen.set(f.bytes, 2);
  for (const st of stats) sizeSeen.set(st.size, (sizeSeen.get(st.size) ?? 0) + 1);
  const outcome: Pending[] = [];
  const toLoad: Pending[] = [];
  for (const [i, path] of files.entries()) {
    const bytes = stats[i].size;
    const pending: Pending = {
      path,
      sha256: '',
      bytes,
      counts: zeroCounts(),
      status: 'loaded',
      recent: now - stats[i].mtimeMs < STILL_WRITTEN_WITHIN_MS,
    };
    outcome.push(pending);
    if (sizeSeen.get(bytes)! > 1) {
      try {
        pending.sha256 = await sha256File(path);
      } catch (e) {
        await markUnreadable(pending, readFailure(e), opts.hmacKey);
        continue;
      }
    }
    const known = knownUnreadable.get(pending.sha256);
    if (known) {
      pending.status = 'unreadable';
      pending.reason = known;
    } else if (pending.sha256 && done.has(pending.sha256)) {
      pending.status = 'already_loaded';
    } else {
      if (pending.sha256) done.add(pending.sha256);
      toLoad.push(pending);
    }
  }
  for (const u of unopenable) {
    outcome.push({ path: u.path, sha256: '', bytes: 0, counts: zeroCounts(), status: 'unreadable', reason: u.reason, recent: false });
  }
  const results = () => outcome.map(fileEntry);
  if (toLoad.length === 0) {
    return { loadId: null, noop: true, files: results(), counts: zeroCounts(), daysTouched: [], quarantineFile: null };
  }

  const loadId = newLoadId();
  const startedAt = new Date().toISOString();
  const l = layout(dataDir);
  const stagingDir = join(l.staging, loadId);
  mkdirSync(stagingDir, { recursive: true });
  const writer = new DuckDbRawZoneWriter({ dataDir, loadId, stagingDir });
  const quarantine = new QuarantineWriter(join(stagingDir, 'quarantine.ndjson'));
  const progress = createProgress(
    opts.progress,
    toLoad.reduce((a, f) => a + f.bytes, 0),
  );

  let record: LoadRecord;
  try {
    // raw uids are in this DuckDB, which cannot spill; it is closed before the writer's opens
    const scanDb = await openDuckDb(SCAN_DUCKDB_SETTINGS);
    try {
      await stageFiles(toLoad, opts.hmacKey, loadId, new Scanner(scanDb, opts.hmacKey, stagingDir), writer, quarantine, progress);
    } finally {
      scanDb.closeSync();
    }
    progress.done();
    quarantine.close();
    const staged = writer.staged();
    const summary = await writer.finish();

    const total = zeroCounts();
    const loaded = toLoad.filter((f) => f.status === 'loaded');
    for (const f of loaded) {
      const c = f.counts;
      c.loaded_flow_events = summary.written.flow_events.get(f.path) ?? 0;
      c.loaded_activity_events = summary.written.activity_events.get(f.path) ?? 0;
      const stagedRows = RAW_TABLES.reduce((a, t) => a + (staged[t].get(f.path) ?? 0), 0);
      c.duplicates = stagedRows - c.loaded_flow_events - c.loaded_activity_events;
      addCounts(total, c);
    }
    const rel = (p: string) => relative(dataDir, p).split('\\').join('/');
    const quarantineMove: PlannedMove | null =
      quarantine.records > 0 ? { staged: rel(quarantine.path), target: rel(join(l.quarantine, `${loadId}.ndjson`)) } : null;
    record = {
      load_id: loadId,
      started_at: startedAt,
      committed_at: null,
      files: loaded.map(fileEntry),
      unreadable: toLoad.filter((f) => f.status === 'unreadable').map(fileEntry),
      counts: total,
      days_touched: summary.daysTouched,
      moves: summary.outputs.map((o) => ({ staged: rel(o.staged), target: rel(o.target) })),
      quarantine: quarantineMove,
    };
    writePendingRecord(dataDir, record);
  } catch (e) {
    progress.done();
    quarantine.close();
    await writer.abort();
    removeStaging(dataDir, loadId);
    throw e;
  }
  crashPoint('before-commit');
  commitRecord(dataDir, record);

  return {
    loadId,
    noop: false,
    files: results(),
    counts: record.counts,
    daysTouched: record.days_touched,
    quarantineFile: record.quarantine ? join(dataDir, record.quarantine.target) : null,
  };
}
