// The nightly job: lock → load new files → rebuild the days they touched
// (plus days left pending by an interrupted run, plus --date) → validate →
// run-report. Re-running after a crash finishes the job: days are kept in
// runs/pending-days.json until a build of them succeeded.
import { existsSync, statSync } from 'node:fs';
import { ExitCode, usageError } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { registerSecret } from '../lib/secrets.ts';
import { checkTargetConfig, type WarehouseTarget } from '../lib/warehouse/index.ts';
import { loadFiles, resolveHmacKey } from '../loader/index.ts';
import { checkDataDirKey } from '../loader/key.ts';
import { coveringRange, type DayRange } from '../lib/days.ts';
import { markNoop, raise, type RunReport } from './run-report.ts';
import { markBuilt, markValidated, type RunState } from './run-state.ts';
import { runLoad, runLocked, type RunOutcome } from './run.ts';
import { buildStep, checksStep, kpiReportStep } from './steps.ts';
import { uploadStep, volumePath } from './upload.ts';

export type { RunOutcome } from './run.ts';

export interface NightlyOptions {
  input: string;
  dataDir: string;
  target: WarehouseTarget;
  /** force a rebuild of this day */
  date?: string;
  hmacKeyFile?: string;
  /** share of rejected lines (of lines read) above which the run fails its data checks */
  maxRejectRate: number;
  /** rows per table that validate checks against the row schema */
  sample: number;
  progress?: 'auto' | 'never';
  /** write the KPI report next to the run-report (default true) */
  kpiReport?: boolean;
}

/** Everything that can be wrong with the invocation, checked before the lock is taken or anything written. */
export async function checkNightlyConfig(opts: NightlyOptions): Promise<{ key: string; volume: string | null }> {
  if (!existsSync(opts.input) || !statSync(opts.input).isDirectory()) throw usageError(`--input ${opts.input} is not a directory`);
  if (!(opts.maxRejectRate >= 0 && opts.maxRejectRate <= 1))
    throw usageError(`--max-reject-rate must be between 0 and 1, got '${opts.maxRejectRate}'`);
  const key = resolveHmacKey({ keyFile: opts.hmacKeyFile, env: process.env });
  registerSecret(key);
  checkDataDirKey(opts.dataDir, key);
  await checkTargetConfig(opts.target);
  return { key, volume: volumePath(opts.target) };
}

export async function runNightly(opts: NightlyOptions): Promise<RunOutcome> {
  const { key: hmacKey, volume } = await checkNightlyConfig(opts);
  return runLocked(
    'nightly',
    opts.dataDir,
    opts.target,
    (report, state) => nightlySteps(report, state, opts, hmacKey, volume),
    'the run failed',
  );
}

async function nightlySteps(
  report: RunReport,
  recovered: RunState,
  opts: NightlyOptions,
  hmacKey: string,
  volume: string | null,
): Promise<void> {
  log.info('nightly started', { run_id: report.runId, input: opts.input, data_dir: opts.dataDir });
  const load = () => loadFiles({ dataDir: opts.dataDir, hmacKey, inputs: [opts.input], progress: opts.progress ?? 'auto' });
  const { result, state } = await runLoad(opts.dataDir, recovered, hmacKey, load);
  const rate = result.counts.lines_read > 0 ? result.counts.rejected / result.counts.lines_read : 0;
  report.load = { ...result, rejectRate: rate, maxRejectRate: opts.maxRejectRate };
  log.info(result.noop ? 'no new files to load' : `loaded ${result.files.filter((f) => f.status === 'loaded').length} new file(s)`, {
    load_id: result.loadId,
    lines_read: result.counts.lines_read,
    rejected: result.counts.rejected,
    days_touched: result.daysTouched,
  });
  for (const f of result.files) {
    if (f.status === 'unreadable') raise(report, ExitCode.dataChecks, `cannot read ${f.path}: ${f.reason}`, 'data_checks_failed');
  }
  if (rate > opts.maxRejectRate) {
    const problem = `${result.counts.rejected} of ${result.counts.lines_read} lines rejected (${pct(rate)} > --max-reject-rate ${pct(opts.maxRejectRate)})`;
    raise(report, ExitCode.dataChecks, problem, 'data_checks_failed');
  }

  // Test hook: die right after the load, as a crash between load and dbt would.
  if (process.env.FXA_TEST_KILL_AFTER_LOAD === '1') process.kill(process.pid, 'SIGKILL');

  const days = [...state.days, ...(opts.date ? [opts.date] : [])];
  const range: DayRange | null = coveringRange(days);
  const full = state.needsFullBuild ?? false;
  const needsBuild = full || range !== null;
  if (!needsBuild && !state.unvalidated) {
    markNoop(report);
    report.message = 'nothing new to load and no day to rebuild';
    log.info(report.message);
    return;
  }
  let built = false;
  let crashed = false;
  if (needsBuild) {
    if (full) log.warn('which days need a rebuild is not known (the run state was damaged): rebuilding every day once');
    if (volume) await uploadStep(report, opts.dataDir, volume);
    const step = await buildStep(report, { dataDir: opts.dataDir, target: opts.target, range: full ? null : range });
    report.build!.days = [...new Set(days)].sort();
    ({ built } = step);
    crashed = step.summary.crashed;
    if (built) markBuilt(opts.dataDir, full ? 'all' : range!);
    else log.warn('the build did not finish: its days stay pending for the next run', { days: report.build!.days });
    // Test hook: die right after dbt built, before the checks and reports.
    if (built && process.env.FXA_TEST_KILL_AFTER_BUILD === '1') process.kill(process.pid, 'SIGKILL');
  } else {
    log.info('the last build was never validated (its run ended after dbt): validating it now');
  }
  // a build that finished now, or one an earlier run finished without checking it
  const complete = built || !needsBuild;
  if (!crashed) {
    await checksStep(report, { dataDir: opts.dataDir, target: opts.target, sample: opts.sample });
    if (complete) markValidated(opts.dataDir);
  }
  // only over completely built tables; the data is committed, so a failing report cannot undo it
  if (complete && opts.kpiReport !== false) await kpiReportStep(report, { dataDir: opts.dataDir, target: opts.target });
  report.message = describe(report, needsBuild ? range : null, full, needsBuild);
}

function describe(r: RunReport, range: DayRange | null, full: boolean, built: boolean): string {
  const what = !built
    ? 'validated the build an earlier run finished'
    : full
      ? 'rebuilt every day'
      : range
        ? `rebuilt ${range.from}..${range.to}`
        : 'rebuilt';
  if (r.exitCode === ExitCode.ok) return what;
  return `${what}; ${r.problems.length} problem(s)`;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
