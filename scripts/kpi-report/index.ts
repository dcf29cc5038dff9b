// The KPI report: reads the KPI marts through the warehouse interface and
// writes one self-contained HTML file. Used by `fxa-metrics report` and by
// the nightly job.
import type { Warehouse } from '../lib/warehouse/types.ts';
import { writeFileAtomic } from '../lib/write-file.ts';
import { readAssets } from './assets.ts';
import { renderReportHtml } from './html.ts';
import { requireKpiTables } from './kpi-tables.ts';
import { kpiDays, readKpiData, type KpiData } from './queries.ts';
import { resolveRange, type RangeFlags } from './range.ts';
import { isEmptyChart, shapeReport, type ReportData } from './shape.ts';

export const REPORT_TITLE = 'Firefox Accounts KPI report';

/** Every KPI empty: the report of a range without data (and the tests' starting point). */
export const NO_DATA: KpiData = {
  engagement: [],
  multiDevice: [],
  timeToConnect: [],
  funnelSteps: [],
  entrypoints: [],
  outcomesByDay: [],
  errors: [],
};

/** The report's data from the warehouse; exit 2 when the KPI tables are not built. */
export async function collectReport(wh: Warehouse, flags: RangeFlags, now: Date = new Date()): Promise<ReportData> {
  await requireKpiTables(wh);
  const days = await kpiDays(wh);
  const range = resolveRange(flags, days.range);
  const data = range ? await readKpiData(wh, range, days.activityFrom) : NO_DATA;
  return {
    title: REPORT_TITLE,
    range,
    generatedAt: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    target: wh.kind,
    charts: shapeReport(data, range),
  };
}

export interface WrittenReport {
  path: string;
  charts: number;
  chartsWithData: number;
  range: ReportData['range'];
}

/** Renders and writes the page (atomically, so a reader never sees half of it). */
export function writeReportHtml(data: ReportData, out: string): WrittenReport {
  writeFileAtomic(out, renderReportHtml(data, readAssets()));
  return { path: out, charts: data.charts.length, chartsWithData: data.charts.filter((c) => !isEmptyChart(c)).length, range: data.range };
}

/** Collects and writes the report in one go. */
export async function writeKpiReport(wh: Warehouse, out: string, flags: RangeFlags = {}): Promise<WrittenReport> {
  return writeReportHtml(await collectReport(wh, flags), out);
}
