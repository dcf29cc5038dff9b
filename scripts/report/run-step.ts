// The nightly job's report step: writes <data dir>/runs/<run-id>.report.html
// next to the run report. The data is committed by then, so a failing report
// never undoes it: the failure becomes a problem of the run (exit 1, the
// run's status 'failed' unless it already failed) and the days stay built.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { layout } from '../lib/paths.ts';
import { openWarehouse, type WarehouseTarget } from '../lib/warehouse/index.ts';
import type { RunReport } from '../orchestration/report.ts';
import { writeKpiReport } from './index.ts';

export function kpiReportPath(dataDir: string, runId: string): string {
  return join(layout(dataDir).runs, `${runId}.report.html`);
}

export async function kpiReportStep(report: RunReport, opts: { dataDir: string; target: WarehouseTarget }): Promise<void> {
  const out = kpiReportPath(opts.dataDir, report.runId);
  try {
    const wh = await openWarehouse({ target: opts.target, dataDir: opts.dataDir, readOnly: true });
    try {
      const written = await writeKpiReport(wh, out);
      report.kpiReport = written.path;
      log.info(`KPI report written: ${written.path}`, { charts: written.charts, charts_with_data: written.chartsWithData });
    } finally {
      await wh.close();
    }
  } catch (e) {
    const problem = `KPI report not written: ${(e as Error).message}`;
    log.error(problem);
    report.problems.push(problem);
    if (report.exitCode === ExitCode.ok) report.status = 'failed';
    // a failure outranks failed data checks, as everywhere else
    report.exitCode = ExitCode.failure;
  }
}

/** The newest report a nightly wrote (run ids start with their UTC time, so names sort by age); null when none. */
export function latestKpiReport(dataDir: string): string | null {
  const runs = layout(dataDir).runs;
  if (!existsSync(runs)) return null;
  const names = readdirSync(runs).filter((n) => n.endsWith('.report.html')).sort();
  return names.length ? join(runs, names[names.length - 1]) : null;
}
