// One load: read the new files, classify and normalise every line, stage
// rows and rejects, write Parquet aside, then commit (manifest.ts).
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { usageError } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { layout, RAW_TABLES } from '../lib/paths.ts';
import { addCounts, zeroCounts, type LoadCounts, type LoadedFile } from './counts.ts';
import { crashPoint } from './crash.ts';
import { DuckDbRawZoneWriter } from './duckdb-writer.ts';
import { listLogFiles } from './files.ts';
import { makeChunkProcessor, makeLineSetProcessor, type ChunkResult } from './chunk.ts';
import { loaderEngine } from './engine.ts';
import { readLineChunks, scanFile, sha256File } from './lines.ts';
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
import { NativeEngine } from './native-engine.ts';
import { makeUidHasher, scrubUidLikeRuns } from './privacy.ts';
import { inlineRunner, workerCount, workerRunner, type ChunkRunner } from './pool.ts';
import { createProgress, type Progress, type ProgressMode } from './progress.ts';
import { QuarantineWriter } from './quarantine.ts';
import type { RawZoneWriter } from './writer.ts';

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
 * Reads the files in input order, in chunks of whole lines handed to the
 * runner (worker threads), and consumes the results in the same order. A
 * file without a checksum yet is checksummed in the same pass.
 */
async function stageFiles(
  toLoad: Pending[],
  runner: ChunkRunner,
  writer: RawZoneWriter,
  quarantine: QuarantineWriter,
  progress: Progress,
): Promise<void> {
  const inFlight: { file: Pending; fileIndex: number; result: Promise<ChunkResult> }[] = [];
  const takeOldest = async () => {
    const job = inFlight.shift()!;
    consume(job.file, job.fileIndex, await job.result, writer, quarantine, progress);
  };
  try {
    for (let fileIndex = 0; fileIndex < toLoad.length; fileIndex++) {
      const file = toLoad[fileIndex];
      const hash = file.sha256 ? null : createHash('sha256');
      let bytes = 0;
      const onRaw = (b: Buffer) => {
        hash?.update(b);
        bytes += b.length;
        progress.bytes(b.length);
      };
      for await (const piece of readLineChunks(file.path, onRaw)) {
        const chunk = { bytes: piece.bytes, fileIndex, sourceFile: file.path, firstLine: piece.firstLine };
        inFlight.push({ file, fileIndex, result: runner.run(chunk) });
        if (inFlight.length >= runner.capacity) await takeOldest();
      }
      if (hash) {
        file.sha256 = hash.digest('hex');
        file.bytes = bytes;
      }
      crashPoint('staging');
    }
    while (inFlight.length > 0) await takeOldest();
  } finally {
    // On failure, settle what is still running so that no rejection goes unhandled.
    await Promise.allSettled(inFlight.map((j) => j.result));
  }
}

/**
 * Says why a file skipped the native engine. DuckDB's message is cut to its
 * first line (later lines may quote the file) and uid-like runs are HMACed.
 */
function logWholeFileFallback(path: string, error: unknown, plainLines: boolean, hmacKey: string): void {
  if (!plainLines) {
    log.info('native engine: file has CR, NUL or invalid UTF-8 bytes; read by the per-line path', { file: path });
  } else if (error) {
    const first = scrubUidLikeRuns(String((error as Error).message ?? error).split('\n')[0].slice(0, 200), makeUidHasher(hmacKey));
    log.warn('native engine: DuckDB could not read the file; read by the per-line path', { file: path, error: first });
  } else {
    log.warn('native engine: DuckDB numbered the lines differently; read by the per-line path', { file: path });
  }
}

/**
 * The native engine: DuckDB reads, checks and stages each file while this
 * thread checksums it and checks that DuckDB numbers its lines as we do (no
 * CR or NUL bytes, valid UTF-8, same line count). The lines DuckDB's
 * generated checks do not pass take the per-line path, so ajv gives their
 * reasons. A file DuckDB cannot read as plain lines goes through the
 * per-line path whole.
 */
async function stageFilesNative(
  toLoad: Pending[],
  hmacKey: string,
  loadId: string,
  stagingDir: string,
  writer: DuckDbRawZoneWriter,
  quarantine: QuarantineWriter,
  progress: Progress,
): Promise<void> {
  const engine = await NativeEngine.open({ hmacKey, stagingDir });
  const lineSet = makeLineSetProcessor(hmacKey, loadId);
  let perLine: ReturnType<typeof makeChunkProcessor> | null = null;
  try {
    for (let fileIndex = 0; fileIndex < toLoad.length; fileIndex++) {
      const file = toLoad[fileIndex];
      const staging = engine.stageFile(fileIndex, file.path).then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      let scan;
      try {
        scan = await scanFile(file.path, (b) => progress.bytes(b.length));
      } finally {
        // never close the engine under a running query
        await staging;
      }
      const staged = await staging;
      file.sha256 ||= scan.sha256;
      file.bytes = scan.bytes;
      if (staged.ok && scan.plainLines && staged.r.lines === scan.lines) {
        const r = lineSet({ fileIndex, sourceFile: file.path, lines: staged.r.fallback });
        consume(file, fileIndex, { ...r, lines: scan.lines, skipped: r.skipped + staged.r.skipped }, writer, quarantine, progress);
        for (const o of staged.r.outputs) {
          writer.addStagedParquet({ table: o.table, fileIndex, sourceFile: file.path, path: o.path, rows: o.rows, days: o.days });
        }
      } else {
        if (staged.ok) for (const o of staged.r.outputs) rmSync(o.path, { force: true });
        logWholeFileFallback(file.path, staged.ok ? null : staged.e, scan.plainLines, hmacKey);
        perLine ??= makeChunkProcessor(hmacKey, loadId);
        for await (const piece of readLineChunks(file.path)) {
          const chunk = { bytes: piece.bytes, fileIndex, sourceFile: file.path, firstLine: piece.firstLine };
          consume(file, fileIndex, perLine(chunk), writer, quarantine, progress);
        }
      }
      crashPoint('staging');
    }
  } finally {
    engine.close();
  }
}

export async function loadFiles(opts: LoadOptions): Promise<LoadResult> {
  if (!opts.hmacKey) throw usageError('no uid HMAC key given');
  const engine = loaderEngine();
  const files = listLogFiles(opts.inputs);
  const dataDir = opts.dataDir;
  recoverDataDir(dataDir);

  // A file whose content was committed before, or that repeats another input, is not read again.
  // Only a file whose size equals that of a loaded file or of another input can be such a
  // repeat: those are checksummed first; every other file is checksummed while it is loaded.
  const records = committedRecords(dataDir);
  const done = new Set(records.flatMap((r) => r.files.map((f) => f.sha256)));
  const sizes = files.map((path) => statSync(path).size);
  const sizeSeen = new Map<number, number>();
  for (const r of records) for (const f of r.files) sizeSeen.set(f.bytes, 2);
  for (const b of sizes) sizeSeen.set(b, (sizeSeen.get(b) ?? 0) + 1);
  const outcome: { pending: Pending; status: LoadedFile['status'] }[] = [];
  const toLoad: Pending[] = [];
  for (const [i, path] of files.entries()) {
    const bytes = sizes[i];
    const sha256 = sizeSeen.get(bytes)! > 1 ? await sha256File(path) : '';
    const pending: Pending = { path, sha256, bytes, counts: zeroCounts() };
    if (sha256 && done.has(sha256)) {
      outcome.push({ pending, status: 'already_loaded' });
    } else {
      if (sha256) done.add(sha256);
      toLoad.push(pending);
      outcome.push({ pending, status: 'loaded' });
    }
  }
  const results = () => outcome.map(({ pending, status }) => ({ ...pending, status }));
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
  const progress = createProgress(opts.progress, toLoad.reduce((a, f) => a + f.bytes, 0));
  const totalBytes = toLoad.reduce((a, f) => a + f.bytes, 0);

  let record: LoadRecord;
  try {
    if (engine === 'native') {
      await stageFilesNative(toLoad, opts.hmacKey, loadId, stagingDir, writer, quarantine, progress);
    } else {
      const workers = workerCount(totalBytes);
      const runner = workers > 0 ? workerRunner(opts.hmacKey, loadId, workers) : inlineRunner(opts.hmacKey, loadId);
      try {
        await stageFiles(toLoad, runner, writer, quarantine, progress);
      } finally {
        await runner.close();
      }
    }
    progress.done();
    quarantine.close();
    const staged = writer.staged();
    const summary = await writer.finish();

    const total = zeroCounts();
    for (const f of toLoad) {
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
      files: toLoad.map((f) => ({ ...f, status: 'loaded' as const })),
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
