// The run report: <data dir>/runs/<run-id>.json, one per nightly/build/
// backfill run, written even when the run does nothing or fails.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { layout } from '../lib/paths.ts';
import { redact } from '../lib/secrets.ts';
import { log } from '../lib/log.ts';
import { writeFileAtomic } from '../lib/write-file.ts';
import type { DbtSummary } from './dbt-results.ts';
import type { Finding } from './validate.ts';
import type { DayRange } from './days.ts';
import type { LoadCounts, LoadedFile } from '../loader/counts.ts';
import { CliError, ExitCode } from '../lib/errors.ts';

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
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
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
  return join(layout(dataDir).runs, `${runId}.json`);
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
    report.problems.push(problem);
    if (report.exitCode === ExitCode.ok || report.exitCode === ExitCode.dataChecks) report.exitCode = ExitCode.failure;
    if (report.status === 'ok' || report.status === 'noop') report.status = 'failed';
    return null;
  }
}

/** Marks a report failed by `e`, with the exit code the command will end with. */
export function recordFailure(report: RunReport, e: unknown, message?: string): void {
  report.exitCode = e instanceof CliError ? e.exitCode : ExitCode.failure;
  report.status = 'failed';
  report.problems.push((e as Error).message);
  if (message) report.message = message;
}
