// The KPI marts on generated logs, with the real loader, dbt and DuckDB:
// (a) every KPI table equals the same KPIs computed the plain way in
// TypeScript from the base marts (kpi-reference.ts), and the data makes
// each of them non-trivial; (b) night-by-night runs — a late day whose
// 28-day MAU window reaches neither end of the data, and a re-run — end in
// the rows of one full build, table by table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWarehouses, type Query } from './models-compare.ts';
import { fullAndNightly } from './kpi-nights.ts';
import { MART_TABLES } from './nightly-helpers.ts';
import {
  engagementRows,
  flowErrorRows,
  flowFacts,
  flowOutcomeRows,
  funnelRows,
  multiDeviceRows,
  readFunnels,
  timeToConnectRows,
  type Row,
} from './kpi-reference.ts';

const HMAC_KEY = 'kpi-test-key';
const KPI_TABLES = [
  'kpi_engagement_daily',
  'kpi_multi_device_daily',
  'kpi_time_to_connect_daily',
  'kpi_funnel_daily',
  'kpi_flow_outcomes_daily',
  'kpi_flow_errors_daily',
];
const DOUBLES = new Set([
  'dau_7day_mean',
  'engagement_ratio',
  'multi_device_dau_share',
  'multi_device_mau_share',
  'completion_rate',
  'flow_time_p25_ms',
  'flow_time_p50_ms',
  'flow_time_p75_ms',
]);

/** A value as JSON would compare it: DuckDB's BIGINT comes back as a string of digits. */
const plain = (v: unknown) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : (v ?? null));

function assertSameRows(table: string, actual: Row[], expected: Row[], tolerance = 1e-9) {
  const columns = Object.keys(expected[0] ?? {});
  const keyOf = (r: Row) => JSON.stringify(columns.filter((c) => !DOUBLES.has(c)).map((c) => plain(r[c])));
  const byKey = (rows: Row[]) => new Map(rows.map((r) => [keyOf(r), r]));
  const got = byKey(actual);
  const want = byKey(expected);
  assert.equal(got.size, actual.length, `${table}: a key occurs twice`);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${table}: other rows than the reference`);
  for (const [k, w] of want) {
    for (const c of columns.filter((x) => DOUBLES.has(x))) {
      const a = got.get(k)![c] as number | null;
      const b = w[c] as number | null;
      if (a === null || b === null) assert.equal(a, b, `${table} ${k} ${c}`);
      else assert.ok(Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b)), `${table} ${k} ${c}: ${a} ≠ ${b}`);
    }
  }
}

async function kpiTable(q: Query, alias: string, table: string): Promise<Row[]> {
  return q(`select * from ${alias}.main.${table}`);
}

test('KPI marts: equal to a plain recomputation, and nights equal a full build', async (t) => {
  const { full, nightly } = await fullAndNightly(t, { prefix: 'kpi', hmacKey: HMAC_KEY, seed: 5 });

  await withWarehouses({ f: full, n: nightly }, async (q) => {
    const activity = await q(`select distinct uid, cast(day as varchar) as day, ua_os from f.main.activity_events`);
    const multi = await q(`select uid, cast(day as varchar) as day from f.main.daily_multi_device_users`);
    const metadata = await q(`select flow_id, cast(export_date as varchar) as export_date, completed, new_account,
        service, entrypoint, context, ua_os, utm_campaign from f.main.flow_metadata`);
    const events = await q(`select flow_id, type, flow_time from f.main.flow_events`);
    const flows = flowFacts(metadata, events);
    const engagement = engagementRows(activity, multi);
    const reference: Record<string, Row[]> = {
      kpi_engagement_daily: engagement,
      kpi_multi_device_daily: multiDeviceRows(engagement),
      kpi_time_to_connect_daily: timeToConnectRows(flows),
      kpi_funnel_daily: funnelRows(flows, readFunnels()),
      kpi_flow_outcomes_daily: flowOutcomeRows(flows),
      kpi_flow_errors_daily: flowErrorRows(flows),
    };

    await t.test('the KPI tables are published table contracts (nightly checks and equality tests cover them)', () => {
      for (const table of KPI_TABLES) assert.ok(MART_TABLES.includes(table), table);
    });

    for (const table of KPI_TABLES) {
      await t.test(`${table} equals the plain recomputation`, async () => {
        assert.ok(reference[table].length > 0, `${table}: the generated data gives it rows`);
        assertSameRows(table, await kpiTable(q, 'f', table), reference[table]);
      });
    }

    await t.test('the generated data makes every KPI non-trivial', () => {
      const e = reference.kpi_engagement_daily;
      assert.ok(e.some((r) => r.segment === 'multi-device') && e.some((r) => r.segment === 'single-device'));
      assert.ok(new Set(e.filter((r) => r.breakdown === 'ua_os').map((r) => r.segment)).size >= 3, 'several OS segments');
      assert.ok(
        e.some((r) => r.breakdown === 'all' && Number(r.mau) > Number(r.dau)),
        'MAU above DAU',
      );
      const ttc = reference.kpi_time_to_connect_daily;
      assert.ok(ttc.some((r) => r.new_account === true) && ttc.some((r) => r.new_account === false));
      assert.ok(
        ttc.some((r) => (r.flow_time_p25_ms as number) < (r.flow_time_p75_ms as number)),
        'quartiles spread',
      );
      const funnel = reference.kpi_funnel_daily;
      for (const name of ['sign-up', 'sign-in', 'password-reset']) {
        const last = Math.max(...funnel.filter((r) => r.funnel === name).map((r) => r.step_number as number));
        assert.ok(
          funnel.some((r) => r.funnel === name && r.step_number === last && (r.flows as number) > 0),
          `${name}: flows reach the last step`,
        );
      }
      assert.ok(
        funnel.some((r) => (r.step_number as number) > 1 && r.flows === 0),
        'flows lost along a funnel',
      );
      const outcomes = reference.kpi_flow_outcomes_daily;
      assert.ok(
        outcomes.some((r) => (r.flows_verified as number) > 0) &&
          outcomes.some((r) => (r.flows_completed as number) < (r.flows_begun as number)),
      );
      const errors = new Set(reference.kpi_flow_errors_daily.map((r) => String(r.error)));
      assert.ok(
        [...errors].some((x) => x.startsWith('route.')),
        `route errors: ${[...errors].join(', ')}`,
      );
    });

    for (const table of KPI_TABLES) {
      await t.test(`nightly runs equal the full build: ${table}`, async () => {
        const full = await kpiTable(q, 'f', table);
        assert.ok(full.length > 0);
        assertSameRows(table, await kpiTable(q, 'n', table), full, 0);
      });
    }
  });
});
