// The report's reads. Plain selects and aggregates over the KPI marts that
// DuckDB and Spark SQL both accept: days travel as bound parameters cast to
// date, and day columns come back cast to string ('YYYY-MM-DD' on both).
// Table names are the contract's constants, never data.
import type { Warehouse } from '../lib/warehouse/types.ts';
import { DAY_COLUMN, KPI_TABLES, type KpiTable } from './kpi-tables.ts';
import type { DayRange } from '../lib/days.ts';

const inRange = (column: string) => `${column} between cast(? as date) and cast(? as date)`;

/**
 * First and last day over every KPI table, and the first day of the
 * activity KPIs (where their 28-day and 7-day windows begin to fill).
 */
export const DAY_RANGE_SQL =
  `select cast(min(d) as string) as lo, cast(max(d) as string) as hi, ` +
  `cast(min(case when t = 'kpi_engagement_daily' then d end) as string) as activity_lo from (` +
  (Object.keys(KPI_TABLES) as KpiTable[]).map((t) => `select '${t}' as t, ${DAY_COLUMN[t]} as d from ${t}`).join(' union all ') +
  `) all_days`;

/** Every query of the report; `?` are the first and last day. */
export const REPORT_SQL = {
  engagement: `select cast(day as string) as day, breakdown, segment, dau, dau_7day_mean, mau, engagement_ratio
         from kpi_engagement_daily where ${inRange('day')}
        order by day, breakdown, segment`,
  multiDevice: `select cast(day as string) as day, dau, multi_device_dau, multi_device_dau_share, mau, multi_device_mau, multi_device_mau_share
         from kpi_multi_device_daily where ${inRange('day')}
        order by day`,
  timeToConnect: `select cast(export_date as string) as day, new_account, flows_begun, flows_completed, completion_rate,
              flow_time_p25_ms as p25, flow_time_p50_ms as p50, flow_time_p75_ms as p75
         from kpi_time_to_connect_daily where ${inRange('export_date')}
        order by export_date, new_account`,
  funnelSteps: `select funnel, step_number, min(step_name) as step_name, sum(flows) as flows
         from kpi_funnel_daily where ${inRange('export_date')}
        group by funnel, step_number
        order by funnel, step_number`,
  entrypoints: `select entrypoint, sum(flows_begun) as flows_begun, sum(flows_completed) as flows_completed
         from kpi_flow_outcomes_daily where ${inRange('export_date')}
        group by entrypoint`,
  outcomesByDay: `select cast(export_date as string) as day, sum(flows_begun) as flows_begun, sum(flows_completed) as flows_completed,
              sum(flows_new_account) as flows_new_account, sum(flows_verified) as flows_verified
         from kpi_flow_outcomes_daily where ${inRange('export_date')}
        group by export_date
        order by export_date`,
  errors: `select error, sum(abandoned_flows) as abandoned_flows, sum(events) as events
         from kpi_flow_errors_daily where ${inRange('export_date')}
        group by error`,
} as const;

export interface EngagementRow {
  day: string;
  breakdown: string;
  segment: string;
  dau: number;
  dau_7day_mean: number;
  mau: number;
  engagement_ratio: number | null;
}
export interface MultiDeviceRow {
  day: string;
  dau: number;
  multi_device_dau: number;
  multi_device_dau_share: number | null;
  mau: number;
  multi_device_mau: number;
  multi_device_mau_share: number | null;
}
export interface TimeToConnectRow {
  day: string;
  new_account: boolean;
  flows_begun: number;
  flows_completed: number;
  completion_rate: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
}
export interface FunnelStepRow {
  funnel: string;
  step_number: number;
  step_name: string;
  flows: number;
}
export interface EntrypointRow {
  entrypoint: string | null;
  flows_begun: number;
  flows_completed: number;
}
export interface OutcomeDayRow {
  day: string;
  flows_begun: number;
  flows_completed: number;
  flows_new_account: number;
  flows_verified: number;
}
export interface ErrorRow {
  error: string;
  abandoned_flows: number;
  events: number;
}

export interface KpiData {
  /** the first day of activity data, in range or not; absent: the first engagement row's */
  activityFrom?: string | null;
  engagement: EngagementRow[];
  multiDevice: MultiDeviceRow[];
  timeToConnect: TimeToConnectRow[];
  funnelSteps: FunnelStepRow[];
  entrypoints: EntrypointRow[];
  outcomesByDay: OutcomeDayRow[];
  errors: ErrorRow[];
}

// Drivers return BIGINT/HUGEINT sums as bigint (DuckDB) or number (Databricks).
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export interface KpiDays {
  /** first and last day found in any KPI table; null when they are all empty */
  range: DayRange | null;
  /** the first day of kpi_engagement_daily */
  activityFrom: string | null;
}

export async function kpiDays(wh: Warehouse): Promise<KpiDays> {
  const [row] = await wh.query(DAY_RANGE_SQL);
  const range = row && row.lo !== null && row.lo !== undefined ? { from: str(row.lo), to: str(row.hi) } : null;
  return { range, activityFrom: row ? strOrNull(row.activity_lo) : null };
}

export async function readKpiData(wh: Warehouse, range: DayRange, activityFrom: string | null = null): Promise<KpiData> {
  const q = (sql: string) => wh.query(sql, [range.from, range.to]);

  const engagement = (await q(REPORT_SQL.engagement)).map((r): EngagementRow => ({
    day: str(r.day),
    breakdown: str(r.breakdown),
    segment: str(r.segment),
    dau: num(r.dau),
    dau_7day_mean: num(r.dau_7day_mean),
    mau: num(r.mau),
    engagement_ratio: numOrNull(r.engagement_ratio),
  }));

  const multiDevice = (await q(REPORT_SQL.multiDevice)).map((r): MultiDeviceRow => ({
    day: str(r.day),
    dau: num(r.dau),
    multi_device_dau: num(r.multi_device_dau),
    multi_device_dau_share: numOrNull(r.multi_device_dau_share),
    mau: num(r.mau),
    multi_device_mau: num(r.multi_device_mau),
    multi_device_mau_share: numOrNull(r.multi_device_mau_share),
  }));

  const timeToConnect = (await q(REPORT_SQL.timeToConnect)).map((r): TimeToConnectRow => ({
    day: str(r.day),
    new_account: r.new_account === true,
    flows_begun: num(r.flows_begun),
    flows_completed: num(r.flows_completed),
    completion_rate: numOrNull(r.completion_rate),
    p25: numOrNull(r.p25),
    p50: numOrNull(r.p50),
    p75: numOrNull(r.p75),
  }));

  // Sums over days and segments are exact: a flow has one begin day and one segment.
  const funnelSteps = (await q(REPORT_SQL.funnelSteps)).map((r): FunnelStepRow => ({
    funnel: str(r.funnel),
    step_number: num(r.step_number),
    step_name: str(r.step_name),
    flows: num(r.flows),
  }));

  const entrypoints = (await q(REPORT_SQL.entrypoints)).map((r): EntrypointRow => ({
    entrypoint: strOrNull(r.entrypoint),
    flows_begun: num(r.flows_begun),
    flows_completed: num(r.flows_completed),
  }));

  const outcomesByDay = (await q(REPORT_SQL.outcomesByDay)).map((r): OutcomeDayRow => ({
    day: str(r.day),
    flows_begun: num(r.flows_begun),
    flows_completed: num(r.flows_completed),
    flows_new_account: num(r.flows_new_account),
    flows_verified: num(r.flows_verified),
  }));

  const errors = (await q(REPORT_SQL.errors)).map((r): ErrorRow => ({
    error: str(r.error),
    abandoned_flows: num(r.abandoned_flows),
    events: num(r.events),
  }));

  return { activityFrom, engagement, multiDevice, timeToConnect, funnelSteps, entrypoints, outcomesByDay, errors };
}
