// The steps a run is made of (build, checks, the KPI report), each
// recording what it did, and what went wrong, in the run-report.
import { ExitCode } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { runDbt } from '../lib/dbt.ts';
import { openWarehouse, type WarehouseTarget } from '../lib/warehouse/index.ts';
import { writeRunKpiReport } from '../kpi-report/run-step.ts';
import { summariseDbt, modelsBuilt, type DbtSummary } from './dbt-results.ts';
import { readTableContracts } from './table-contracts.ts';
import { validateWarehouse } from './validate.ts';
import { raise, type RunReport, type BuildSection } from './run-report.ts';
import type { DayRange } from '../lib/days.ts';
import { stripAnsi } from '../lib/ansi.ts';

export interface BuildStepOptions {
  dataDir: string;
  target: WarehouseTarget;
  /** null: every day (no from/to) */
  range: DayRange | null;
  fullRefresh?: boolean;
}

export function ensureBuildSection(report: RunReport, mode: BuildSection['mode']): BuildSection {
  report.build ??= { mode, ranges: [], days: [], dbt: [] };
  return report.build;
}

/** One `dbt build`; returns whether every model built (tests may still have failed). */
export async function buildStep(report: RunReport, opts: BuildStepOptions): Promise<{ built: boolean; summary: DbtSummary }> {
  const section = ensureBuildSection(report, opts.fullRefresh ? 'full-refresh' : opts.range ? 'range' : 'full');
  const command = ['build', ...(opts.fullRefresh ? ['--full-refresh'] : [])];
  const vars = opts.range ? { from: opts.range.from, to: opts.range.to } : undefined;
  log.info(
    `dbt build ${opts.range ? `${opts.range.from}..${opts.range.to}` : opts.fullRefresh ? '--full-refresh' : '(all days)'} started`,
    {
      run_id: report.runId,
    },
  );
  const run = await runDbt(command, { dataDir: opts.dataDir, target: opts.target, vars });
  const summary = summariseDbt(run);
  const { nodeErrors, testFailures, skipped, ...kept } = summary;
  section.dbt.push({ ...kept, range: opts.range });
  if (opts.range) section.ranges.push(opts.range);

  for (const n of nodeErrors)
    raise(report, ExitCode.failure, `dbt ${n.name}: ${n.status}${n.message ? ': ' + firstLine(n.message) : ''}`, 'dbt_failed');
  for (const t of testFailures) {
    raise(
      report,
      ExitCode.dataChecks,
      `dbt test ${t.name}: ${t.status}${t.failures ? ` (${t.failures} failing rows)` : ''}`,
      'data_checks_failed',
    );
  }
  if (summary.crashed) {
    const why = knownCause(`${run.stdout}\n${run.stderr}`) ?? (summary.errorTail ? lastMeaningfulLine(summary.errorTail) : 'no output');
    raise(report, ExitCode.failure, `dbt exited ${summary.exitCode}: ${why}`, 'dbt_failed');
  }
  if (summary.errorTail) log.error('dbt output (last lines)', { tail: summary.errorTail });
  const built = modelsBuilt(summary);
  log.info(`dbt build finished: ${built ? 'models built' : 'models NOT all built'}`, {
    exit_code: summary.exitCode,
    models: summary.models.length,
    tests: summary.tests.length,
    test_failures: testFailures.length,
  });
  return { built, summary };
}

/** Row counts per output table and the contract check; the warehouse is open only for this step. */
export async function checksStep(report: RunReport, opts: { dataDir: string; target: WarehouseTarget; sample: number }): Promise<void> {
  const contracts = readTableContracts();
  const wh = await openWarehouse({ target: opts.target, dataDir: opts.dataDir, readOnly: true });
  try {
    const counts: Record<string, number> = {};
    for (const c of contracts) {
      const t = c['x-table'];
      if ((await wh.columns(t)).length === 0) continue;
      counts[t] = await wh.rowCount(t);
    }
    report.tables = counts;
    const v = await validateWarehouse(wh, contracts, opts.sample);
    report.validation = v;
    for (const f of v.findings) {
      raise(
        report,
        ExitCode.dataChecks,
        `contract: ${f.message}${f.rows ? ` (${f.rows} sampled rows, e.g. ${f.example})` : ''}`,
        'data_checks_failed',
      );
    }
  } finally {
    await wh.close();
  }
}

/**
 * The KPI report beside the run-report. The data is committed by then, so a
 * failing report never undoes it: the failure becomes a problem of the run
 * (exit 1, the run's status 'failed' unless it already failed) and the days
 * stay built.
 */
export async function kpiReportStep(report: RunReport, opts: { dataDir: string; target: WarehouseTarget }): Promise<void> {
  try {
    report.kpiReport = await writeRunKpiReport(report.runId, opts);
  } catch (e) {
    const problem = `KPI report not written: ${(e as Error).message}`;
    log.error(problem);
    raise(report, ExitCode.failure, problem);
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 300);
}

/** Causes an operator acts on directly, wherever dbt's output (often a traceback) mentions them. */
function knownCause(output: string): string | null {
  if (/No space left on device|\[Errno 28\]/i.test(output)) return 'no space left on device (free space, then run again)';
  return null;
}

function lastMeaningfulLine(s: string): string {
  const lines = s.split('\n').filter((l) => /error|fail|could not|not found/i.test(l));
  return stripAnsi(lines.pop() ?? s.split('\n').pop() ?? '')
    .trim()
    .slice(0, 300);
}
