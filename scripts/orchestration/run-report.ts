// The run-report: <data dir>/runs/<run-id>.json, one per nightly/build/
// backfill run, written even when the run does nothing or fails, and the one
// setter of a run's outcome (raise; markNoop for a run with nothing to do).
import { randomBytes } from 'node:crypto';
import { layout } from '../lib/paths.ts';
import { redact } from '../lib/secrets.ts';
import { log } from '../lib/log.ts';
import { writeFileAtomic } from '../lib/write-file.ts';
import type { DbtSummary } from './dbt-results.ts';
import type { Finding } from './validate.ts';
import type { DayRange } from '../lib/days.ts';
import type { LoadCounts, LoadedFile } from '../loader/counts.ts';
import { ExitCode } from '../lib/errors.ts';

export type RunStatus = 'ok' | 'noop' | 'dbt_failed' | 'data_checks_failed' | 'failed' | 'interrupted';

export interface LoadSection {
  loadId: string | null;
  files: LoadedFile[];
  counts: LoadCounts;
  daysTouched: string[];
  quarantineFile: string | null;
  rejectRate: number;
  maxRejectRate: number;
}

export interface BuildSection {
  /** 'full' = every day (no from/to vars), 'full-refresh' = tables rebuilt from scratch */
  mode: 'range' | 'full' | 'full-refresh';
  ranges: DayRange[];
  days: string[];
  dbt: Array<Omit<DbtSummary, 'nodeErrors' | 'testFailures' | 'skipped'> & { range: DayRange | null }>;
}

export interface RunReport {
  runId: string;
  command: string;
  dataDir: string;
  target: string;
  startedAt: string;
  endedAt: string | null;
  status: RunStatus;
  exitCode: number;
  message: string;
  load: LoadSection | null;
  /** Databricks target: the raw-zone upload before dbt */
  upload: { volume: string; files: number } | null;
  build: BuildSection | null;
  tables: Record<string, number> | null;
  validation: { findings: Finding[]; tables: Array<{ table: string; columns: number; sampledRows: number }> } | null;
  /** every reason the exit code is not 0 */
  problems: string[];
  /** the KPI report (HTML) the run wrote next to this file, when it wrote one */
  kpiReport?: string;
}

export function newRunId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function newReport(command: string, dataDir: string, target: string): RunReport {
  const started = new Date();
  return {
    runId: newRunId(started),
    command,
    dataDir,
    target,
    startedAt: started.toISOString(),
    endedAt: null,
    status: 'ok',
    exitCode: 0,
    message: '',
    load: null,
    upload: null,
    build: null,
    tables: null,
    validation: null,
    problems: [],
  };
}

export function reportPath(dataDir: string, runId: string): string {
  return layout(dataDir).runReport(runId);
}

/** Serialised through redact(): a secret that slipped into a dbt message never reaches the file. */
export function reportJson(report: RunReport): string {
  return redact(JSON.stringify(report, null, 2));
}

export function writeReport(report: RunReport): string {
  const p = reportPath(report.dataDir, report.runId);
  writeFileAtomic(p, reportJson(report) + '\n');
  return p;
}

/**
 * The end of every run: writes the report; when that fails (a full disk),
 * the run's own outcome stays what the operator reads first, and the failed
 * write is one more problem (exit 1 at least). Returns the file or null.
 */
export function finishReport(report: RunReport): string | null {
  report.endedAt = new Date().toISOString();
  try {
    return writeReport(report);
  } catch (e) {
    const problem = `run report not written: ${(e as Error).message}`;
    log.error(problem);
    raise(report, ExitCode.failure, problem);
    return null;
  }
}

/** How bad an exit code is: ok < data checks < failure < a run that could not go on (usage, lock, signal). */
function codeRank(code: number): number {
  if (code === ExitCode.ok) return 0;
  if (code === ExitCode.dataChecks) return 1;
  if (code === ExitCode.failure) return 2;
  return 3;
}

const STATUS_RANK: Record<RunStatus, number> = { ok: 0, noop: 0, data_checks_failed: 1, dbt_failed: 2, failed: 3, interrupted: 4 };

/**
 * The one setter of a run's outcome. Every problem is kept; the exit code
 * names the worst of them, so a dbt failure outranks failed data checks
 * whatever the order. `status` is what the problem makes of the run, the
 * worse status winning again. Without one (a problem found after the run's
 * work: the KPI report, the run-report's own write) an ok run becomes
 * 'failed' and an earlier failure keeps its status.
 */
export function raise(report: RunReport, exitCode: number, problem: string, status?: Exclude<RunStatus, 'ok' | 'noop'>): void {
  report.problems.push(problem);
  if (codeRank(exitCode) >= codeRank(report.exitCode)) report.exitCode = exitCode;
  if (status ? STATUS_RANK[status] >= STATUS_RANK[report.status] : STATUS_RANK[report.status] === 0) report.status = status ?? 'failed';
}

/** A run that found nothing to do: 'noop' unless a problem was raised already (that outcome stands). */
export function markNoop(report: RunReport): void {
  if (report.exitCode === ExitCode.ok) report.status = 'noop';
}
