// The steps a run is made of (build, checks), each recording what it did in
// the run report, and the rule that turns problems into one exit code.
import { ExitCode } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { runDbt } from '../lib/dbt.ts';
import { openWarehouse, type WarehouseTarget } from '../lib/warehouse/index.ts';
import { quoteIdent as quoteDuck } from '../lib/warehouse/duckdb.ts';
import type { Warehouse } from '../lib/warehouse/types.ts';
import { summariseDbt, modelsBuilt, type DbtSummary } from './dbt-results.ts';
import { readTableContracts } from './table-contracts.ts';
import { validateWarehouse } from './validate.ts';
import type { RunReport, BuildSection } from './report.ts';
import type { DayRange } from './days.ts';

/** A dbt failure outranks failed data checks: both are reported, the exit code says the worse. */
export function raise(report: RunReport, code: typeof ExitCode.failure | typeof ExitCode.dataChecks, problem: string): void {
  report.problems.push(problem);
  if (code === ExitCode.failure || report.exitCode !== ExitCode.failure) report.exitCode = code;
  report.status = report.exitCode === ExitCode.failure ? (report.build ? 'dbt_failed' : 'failed') : 'data_checks_failed';
}

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
  log.info(`dbt build ${opts.range ? `${opts.range.from}..${opts.range.to}` : opts.fullRefresh ? '--full-refresh' : '(all days)'} started`, {
    run_id: report.runId,
  });
  const run = await runDbt(command, { dataDir: opts.dataDir, target: opts.target, vars });
  const summary = summariseDbt(run);
  const { nodeErrors, testFailures, skipped, ...kept } = summary;
  section.dbt.push({ ...kept, range: opts.range });
  if (opts.range) section.ranges.push(opts.range);

  for (const n of nodeErrors) raise(report, ExitCode.failure, `dbt ${n.name}: ${n.status}${n.message ? ': ' + firstLine(n.message) : ''}`);
  for (const t of testFailures) {
    raise(report, ExitCode.dataChecks, `dbt test ${t.name}: ${t.status}${t.failures ? ` (${t.failures} failing rows)` : ''}`);
  }
  if (summary.crashed) {
    const why = knownCause(`${run.stdout}\n${run.stderr}`) ?? (summary.errorTail ? lastMeaningfulLine(summary.errorTail) : 'no output');
    raise(report, ExitCode.failure, `dbt exited ${summary.exitCode}: ${why}`);
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

export function quoteTable(wh: Warehouse, table: string): string {
  return wh.kind === 'duckdb' ? quoteDuck(table) : '`' + table.replace(/`/g, '``') + '`';
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
      const [row] = await wh.query(`select count(*) as n from ${quoteTable(wh, t)}`);
      counts[t] = Number(row.n);
    }
    report.tables = counts;
    const v = await validateWarehouse(wh, contracts, opts.sample);
    report.validation = v;
    for (const f of v.findings) raise(report, ExitCode.dataChecks, `contract: ${f.message}${f.rows ? ` (${f.rows} sampled rows, e.g. ${f.example})` : ''}`);
  } finally {
    await wh.close();
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
  return (lines.pop() ?? s.split('\n').pop() ?? '').replace(/\x1b\[[0-9;]*m/g, '').trim().slice(0, 300);
}
