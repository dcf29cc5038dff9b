// One load: read the new files, classify and normalise every line, stage
// rows and rejects, write Parquet aside, then commit (manifest.ts).
import { statSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { usageError } from '../lib/errors.ts';
import { layout, RAW_TABLES } from '../lib/paths.ts';
import { addCounts, zeroCounts, type LoadCounts, type LoadedFile } from './counts.ts';
import { crashPoint } from './crash.ts';
import { DuckDbRawZoneWriter } from './duckdb-writer.ts';
import { listLogFiles } from './files.ts';
import { readLines, sha256File } from './lines.ts';
import {
  commitRecord,
  loadedChecksums,
  newLoadId,
  recoverDataDir,
  removeStaging,
  writePendingRecord,
  type LoadRecord,
  type PlannedMove,
} from './manifest.ts';
import { toActivityRow, toFlowRow, type RowContext } from './normalise.ts';
import { makeUidHasher, scrubRejectedLine, scrubUidLikeRuns } from './privacy.ts';
import { createProgress, type Progress, type ProgressMode } from './progress.ts';
import { QuarantineWriter } from './quarantine.ts';
import { classifyLine } from './rules.ts';
import { makeUserAgentParser } from './user-agent.ts';
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
}

/** Reads one file into the writer and the quarantine; returns its line counts (loaded/duplicates filled in later). */
async function stageFile(
  file: Pending,
  ctx: Omit<RowContext, 'sourceFile'>,
  writer: RawZoneWriter,
  quarantine: QuarantineWriter,
  progress: Progress,
): Promise<void> {
  const c = file.counts;
  const rowCtx: RowContext = { ...ctx, sourceFile: file.path };
  const dayOf = makeDayOf();
  const reject = (line: number, reason: string, detail: string, text: string, parsed?: unknown) => {
    c.rejected++;
    c.rejected_by_reason[reason] = (c.rejected_by_reason[reason] ?? 0) + 1;
    quarantine.add({
      load_id: ctx.loadId,
      source_file: file.path,
      source_line: line,
      reason,
      detail: scrubUidLikeRuns(detail, ctx.hashUid),
      line: scrubRejectedLine(text, parsed, ctx.hashUid),
    });
  };
  for await (const { number, text, validUtf8 } of readLines(file.path, (n) => progress.bytes(n))) {
    c.lines_read++;
    progress.line();
    if (!validUtf8) {
      reject(number, 'invalid_utf8', 'line is not valid UTF-8', text);
      continue;
    }
    const r = classifyLine(text);
    if (r.kind === 'skip') c.skipped++;
    else if (r.kind === 'reject') reject(number, r.reason, r.detail, text, r.value);
    else if (r.kind === 'flow') {
      const row = toFlowRow(r.fields, number, rowCtx);
      writer.add('flow_events', row, dayOf(row.time_ms));
    } else {
      const row = toActivityRow(r.envelope, r.fields, text, number, rowCtx);
      writer.add('activity_events', row, dayOf(row.time_ms));
    }
  }
}

export async function loadFiles(opts: LoadOptions): Promise<LoadResult> {
  if (!opts.hmacKey) throw usageError('no uid HMAC key given');
  const files = listLogFiles(opts.inputs);
  const dataDir = opts.dataDir;
  recoverDataDir(dataDir);

  // A file whose content was committed before, or that repeats another input, is not read again.
  const done = loadedChecksums(dataDir);
  const results: LoadedFile[] = [];
  const toLoad: Pending[] = [];
  for (const path of files) {
    const sha256 = await sha256File(path);
    const bytes = statSync(path).size;
    if (done.has(sha256)) {
      results.push({ path, sha256, bytes, status: 'already_loaded', counts: zeroCounts() });
    } else {
      done.add(sha256);
      const p: Pending = { path, sha256, bytes, counts: zeroCounts() };
      toLoad.push(p);
      results.push({ ...p, status: 'loaded' });
    }
  }
  if (toLoad.length === 0) {
    return { loadId: null, noop: true, files: results, counts: zeroCounts(), daysTouched: [], quarantineFile: null };
  }

  const loadId = newLoadId();
  const startedAt = new Date().toISOString();
  const l = layout(dataDir);
  const stagingDir = join(l.staging, loadId);
  mkdirSync(stagingDir, { recursive: true });
  const writer = new DuckDbRawZoneWriter({ dataDir, loadId, stagingDir });
  const quarantine = new QuarantineWriter(join(stagingDir, 'quarantine.ndjson'));
  const progress = createProgress(opts.progress, toLoad.reduce((a, f) => a + f.bytes, 0));
  const ctx = { hashUid: makeUidHasher(opts.hmacKey), parseUa: makeUserAgentParser(), loadId };

  let record: LoadRecord;
  try {
    for (const f of toLoad) {
      await stageFile(f, ctx, writer, quarantine, progress);
      crashPoint('staging');
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
    files: results,
    counts: record.counts,
    daysTouched: record.days_touched,
    quarantineFile: record.quarantine ? join(dataDir, record.quarantine.target) : null,
  };
}
