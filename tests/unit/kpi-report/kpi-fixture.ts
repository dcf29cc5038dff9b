// Small hand-made KPI tables with the contract's columns and types, in a
// DuckDB file laid out like a data dir (<dir>/warehouse.duckdb), for the
// report's tests that do not need the dbt pipeline.
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

export const KPI_DDL: Record<string, string> = {
  kpi_engagement_daily:
    'day date, breakdown varchar, segment varchar, dau bigint, dau_7day_mean double, mau bigint, engagement_ratio double',
  kpi_multi_device_daily:
    'day date, dau bigint, multi_device_dau bigint, multi_device_dau_share double, mau bigint, multi_device_mau bigint, multi_device_mau_share double',
  kpi_time_to_connect_daily:
    'export_date date, new_account boolean, flows_begun bigint, flows_completed bigint, completion_rate double, ' +
    'flow_time_p25_ms double, flow_time_p50_ms double, flow_time_p75_ms double',
  kpi_funnel_daily:
    'export_date date, funnel varchar, step_number integer, step_name varchar, entrypoint varchar, service varchar, ' +
    'context varchar, ua_os varchar, utm_campaign varchar, flows bigint',
  kpi_flow_outcomes_daily:
    'export_date date, entrypoint varchar, utm_campaign varchar, service varchar, ua_os varchar, ' +
    'flows_begun bigint, flows_completed bigint, flows_new_account bigint, flows_verified bigint',
  kpi_flow_errors_daily: 'export_date date, error varchar, abandoned_flows bigint, events bigint',
};

export type Rows = Partial<Record<keyof typeof KPI_DDL, unknown[][]>>;

/** Creates <dataDir>/warehouse.duckdb with every KPI table (or only `tables`) and the given rows. */
export async function makeKpiWarehouse(dataDir: string, rows: Rows, tables: string[] = Object.keys(KPI_DDL)): Promise<string> {
  const path = join(dataDir, 'warehouse.duckdb');
  const db = await DuckDBInstance.create(path);
  const c = await db.connect();
  try {
    for (const t of tables) {
      await c.run(`create table main.${t} (${KPI_DDL[t]})`);
      for (const r of rows[t] ?? []) {
        await c.run(`insert into main.${t} values (${r.map(() => '?').join(', ')})`, r as DuckDBValue[]);
      }
    }
  } finally {
    c.closeSync();
    db.closeSync();
  }
  return path;
}

/** A few days of consistent-looking KPI rows; `entrypoint` lets a test plant a hostile value. */
export function sampleRows(entrypoint = 'preferences'): Rows {
  return {
    kpi_engagement_daily: [
      ['2017-03-01', 'all', 'all', 10, 10 / 7, 10, 10 / 7 / 10],
      ['2017-03-02', 'all', 'all', 12, 22 / 7, 15, 22 / 7 / 15],
      ['2017-03-01', 'devices', 'multi-device', 3, 3 / 7, 3, 3 / 7 / 3],
      ['2017-03-01', 'devices', 'single-device', 7, 1, 7, 1 / 7],
      ['2017-03-02', 'devices', 'multi-device', 4, 1, 5, 0.2],
      ['2017-03-02', 'devices', 'single-device', 8, 15 / 7, 10, 15 / 70],
      ['2017-03-01', 'ua_os', 'Windows', 6, 6 / 7, 6, 1 / 7],
      ['2017-03-02', 'ua_os', 'Windows', 7, 13 / 7, 9, 13 / 63],
      ['2017-03-02', 'ua_os', 'unknown', 1, 1 / 7, 1, 1 / 7],
    ],
    kpi_multi_device_daily: [
      ['2017-03-01', 10, 3, 0.3, 10, 3, 0.3],
      ['2017-03-02', 12, 4, 4 / 12, 15, 5, 1 / 3],
    ],
    kpi_time_to_connect_daily: [
      ['2017-03-01', true, 8, 6, 0.75, 1000, 1500.5, 2000],
      ['2017-03-01', false, 4, 0, 0, null, null, null],
    ],
    kpi_funnel_daily: [
      ['2017-03-01', 'sign-in', 1, 'flow.begin', entrypoint, 'sync', null, 'Windows', null, 10],
      ['2017-03-01', 'sign-in', 2, 'flow.signin.view', entrypoint, 'sync', null, 'Windows', null, 8],
      ['2017-03-01', 'sign-in', 3, 'flow.signin.engage', entrypoint, 'sync', null, 'Windows', null, 2],
      ['2017-03-02', 'sign-in', 1, 'flow.begin', 'menupanel', 'sync', null, 'Linux', null, 10],
      ['2017-03-02', 'sign-in', 2, 'flow.signin.view', 'menupanel', 'sync', null, 'Linux', null, 4],
      ['2017-03-02', 'sign-in', 3, 'flow.signin.engage', 'menupanel', 'sync', null, 'Linux', null, 0],
    ],
    kpi_flow_outcomes_daily: [
      ['2017-03-01', entrypoint, null, 'sync', 'Windows', 10, 5, 4, 3],
      ['2017-03-02', 'menupanel', 'spring', 'sync', 'Linux', 10, 2, 2, 0],
      ['2017-03-02', null, null, null, null, 1, 1, 0, 0],
    ],
    kpi_flow_errors_daily: [
      ['2017-03-01', 'customs.blocked', 2, 3],
      ['2017-03-02', 'customs.blocked', 1, 1],
      ['2017-03-02', 'route.account.login.400.103', 1, 2],
    ],
  };
}
