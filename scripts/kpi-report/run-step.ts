// The nightly job's KPI report: <data dir>/runs/<run-id>.report.html, next
// to the run-report (the run's step that calls it is in
// scripts/orchestration/steps.ts).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../lib/log.ts';
import { layout } from '../lib/paths.ts';
import { openWarehouse, type WarehouseTarget } from '../lib/warehouse/index.ts';
import { writeKpiReport } from './index.ts';

export function kpiReportPath(dataDir: string, runId: string): string {
  return layout(dataDir).kpiReport(runId);
}

/** Writes the KPI report of run `runId` from the warehouse; returns its path. */
export async function writeRunKpiReport(runId: string, opts: { dataDir: string; target: WarehouseTarget }): Promise<string> {
  const wh = await openWarehouse({ target: opts.target, dataDir: opts.dataDir, readOnly: true });
  try {
    const written = await writeKpiReport(wh, kpiReportPath(opts.dataDir, runId));
    log.info(`KPI report written: ${written.path}`, { charts: written.charts, charts_with_data: written.chartsWithData });
    return written.path;
  } finally {
    await wh.close();
  }
}

/** The newest report a nightly wrote (run ids start with their UTC time, so names sort by age); null when none. */
export function latestKpiReport(dataDir: string): string | null {
  const runs = layout(dataDir).runs;
  if (!existsSync(runs)) return null;
  const names = readdirSync(runs)
    .filter((n) => n.endsWith('.report.html'))
    .sort();
  return names.length ? join(runs, names[names.length - 1]) : null;
}
