// The KPI marts the report reads (models/marts/kpi/), with the columns it
// needs from each. Checked before any query, so a warehouse built before the
// KPI models existed gets one clear line instead of an SQL error.
import { CliError, ExitCode } from '../lib/errors.ts';
import type { Warehouse } from '../lib/warehouse/types.ts';

export const KPI_TABLES = {
  kpi_engagement_daily: ['day', 'breakdown', 'segment', 'dau', 'dau_7day_mean', 'mau', 'engagement_ratio'],
  kpi_multi_device_daily: ['day', 'dau', 'multi_device_dau', 'multi_device_dau_share', 'mau', 'multi_device_mau', 'multi_device_mau_share'],
  kpi_time_to_connect_daily: [
    'export_date',
    'new_account',
    'flows_begun',
    'flows_completed',
    'completion_rate',
    'flow_time_p25_ms',
    'flow_time_p50_ms',
    'flow_time_p75_ms',
  ],
  kpi_funnel_daily: ['export_date', 'funnel', 'step_number', 'step_name', 'flows'],
  kpi_flow_outcomes_daily: ['export_date', 'entrypoint', 'flows_begun', 'flows_completed', 'flows_new_account', 'flows_verified'],
  kpi_flow_errors_daily: ['export_date', 'error', 'abandoned_flows', 'events'],
} as const;

export type KpiTable = keyof typeof KPI_TABLES;

/** The day column of each table: activity KPIs by activity day, flow KPIs by flow begin day. */
export const DAY_COLUMN: Record<KpiTable, 'day' | 'export_date'> = {
  kpi_engagement_daily: 'day',
  kpi_multi_device_daily: 'day',
  kpi_time_to_connect_daily: 'export_date',
  kpi_funnel_daily: 'export_date',
  kpi_flow_outcomes_daily: 'export_date',
  kpi_flow_errors_daily: 'export_date',
};

/** What is wrong with the warehouse's KPI tables, as one sentence per table; empty when all is there. */
export async function kpiTableProblems(wh: Warehouse): Promise<string[]> {
  const problems: string[] = [];
  for (const [table, needed] of Object.entries(KPI_TABLES) as Array<[KpiTable, readonly string[]]>) {
    const have = new Set((await wh.columns(table)).map((c) => c.name.toLowerCase()));
    if (have.size === 0) {
      problems.push(`${table} is missing`);
      continue;
    }
    const lacking = needed.filter((c) => !have.has(c));
    if (lacking.length) problems.push(`${table} lacks ${lacking.join(', ')}`);
  }
  return problems;
}

/** Exit 2 with one line when the KPI tables are not (all) built yet. */
export async function requireKpiTables(wh: Warehouse): Promise<void> {
  const problems = await kpiTableProblems(wh);
  if (problems.length) {
    throw new CliError(
      `KPI tables not built (${problems.join('; ')}): run \`fxa-metrics nightly\` or \`fxa-metrics build\` first`,
      ExitCode.usage,
    );
  }
}
