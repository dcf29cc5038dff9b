import { test } from 'node:test';
import assert from 'node:assert/strict';
import { funnelConversions, isEmptyChart, shapeReport, topN, TOP_ERRORS } from '../../../scripts/kpi-report/shape.ts';
import { formatValue } from '../../../scripts/kpi-report/format.ts';
import { NO_DATA } from '../../../scripts/kpi-report/index.ts';

const noData = NO_DATA;
const range = { from: '2017-03-01', to: '2017-03-02' };

test('funnel conversion: each step against the step before and against the first step', () => {
  const steps = funnelConversions([
    { funnel: 'sign-in', step_number: 2, step_name: 'view', flows: 8 },
    { funnel: 'sign-in', step_number: 1, step_name: 'begin', flows: 10 },
    { funnel: 'sign-in', step_number: 3, step_name: 'engage', flows: 2 },
    { funnel: 'sign-up', step_number: 1, step_name: 'begin', flows: 4 },
    { funnel: 'sign-up', step_number: 2, step_name: 'view', flows: 0 },
    { funnel: 'sign-up', step_number: 3, step_name: 'engage', flows: 0 },
  ]);
  assert.deepEqual([...steps.keys()], ['sign-in', 'sign-up']);
  const signIn = steps.get('sign-in')!;
  assert.deepEqual(
    signIn.map((s) => s.step_name),
    ['begin', 'view', 'engage'],
    'steps in step order',
  );
  assert.deepEqual(
    signIn.map((s) => s.stepConversion),
    [null, 0.8, 0.25],
  );
  assert.deepEqual(
    signIn.map((s) => s.overallConversion),
    [1, 0.8, 0.2],
  );
  // a step after one no flow reached has no step-to-step rate (not 0/0 = NaN)
  assert.deepEqual(
    steps.get('sign-up')!.map((s) => s.stepConversion),
    [null, 0, null],
  );
  assert.deepEqual(
    steps.get('sign-up')!.map((s) => s.overallConversion),
    [1, 0, 0],
  );
});

test('a funnel whose first step has no flows has no conversions', () => {
  const [s1, s2] = funnelConversions([
    { funnel: 'f', step_number: 1, step_name: 'a', flows: 0 },
    { funnel: 'f', step_number: 2, step_name: 'b', flows: 0 },
  ]).get('f')!;
  assert.equal(s1.overallConversion, null);
  assert.equal(s2.stepConversion, null);
});

test('topN keeps the largest, breaks ties by label, and keeps all when fewer', () => {
  const rows = [
    { e: 'b', n: 5 },
    { e: 'a', n: 5 },
    { e: 'c', n: 9 },
    { e: 'd', n: 1 },
  ];
  assert.deepEqual(
    topN(
      rows,
      3,
      (r) => r.n,
      (r) => r.e,
    ).map((r) => r.e),
    ['c', 'a', 'b'],
  );
  assert.deepEqual(
    topN(
      rows,
      10,
      (r) => r.n,
      (r) => r.e,
    ).map((r) => r.e),
    ['c', 'a', 'b', 'd'],
  );
  assert.deepEqual(
    rows.map((r) => r.e),
    ['b', 'a', 'c', 'd'],
    'input left as it was',
  );
});

test('top errors: the most abandoned flows first, at most TOP_ERRORS', () => {
  const errors = Array.from({ length: TOP_ERRORS + 5 }, (_, i) => ({ error: `route.x.400.${100 + i}`, abandoned_flows: i, events: 2 * i }));
  const chart = shapeReport({ ...noData, errors }, range).find((c) => c.id === 'errors')!;
  assert.equal(chart.labels.length, TOP_ERRORS);
  assert.equal(chart.labels[0], `route.x.400.${100 + TOP_ERRORS + 4}`);
  assert.deepEqual(chart.table.rows[0], [`route.x.400.${100 + TOP_ERRORS + 4}`, TOP_ERRORS + 4, 2 * (TOP_ERRORS + 4)]);
  assert.ok(!chart.labels.includes('route.x.400.100'), 'the least frequent are left out');
});

test('engagement chart: one point per day of breakdown all, device segments aligned by day, a missing segment is null', () => {
  const engagement = [
    { day: '2017-03-01', breakdown: 'all', segment: 'all', dau: 10, dau_7day_mean: 10 / 7, mau: 10, engagement_ratio: 0.5 },
    { day: '2017-03-02', breakdown: 'all', segment: 'all', dau: 12, dau_7day_mean: 3, mau: 15, engagement_ratio: 0.2 },
    { day: '2017-03-02', breakdown: 'devices', segment: 'multi-device', dau: 4, dau_7day_mean: 1, mau: 5, engagement_ratio: 0.2 },
    { day: '2017-03-01', breakdown: 'devices', segment: 'single-device', dau: 7, dau_7day_mean: 1, mau: 7, engagement_ratio: 1 / 7 },
    { day: '2017-03-01', breakdown: 'ua_os', segment: 'Linux', dau: 1, dau_7day_mean: 1 / 7, mau: 1, engagement_ratio: 1 / 7 },
  ];
  const [eng, dauMau, os] = shapeReport({ ...noData, engagement }, range);
  assert.deepEqual(eng.labels, ['2017-03-01', '2017-03-02']);
  assert.deepEqual(
    eng.datasets.map((d) => d.data),
    [
      [0.5, 0.2],
      [null, 0.2],
      [1 / 7, null],
    ],
  );
  assert.deepEqual(eng.datasets[2].text, ['0.1429', '—']);
  assert.deepEqual(dauMau.table.rows, [
    ['2017-03-01', 10, 10 / 7, 10],
    ['2017-03-02', 12, 3, 15],
  ]);
  assert.deepEqual(
    os.datasets.map((d) => d.label),
    ['Linux'],
  );
  assert.match(eng.caption, /kpi_engagement_daily, days 2017-03-01 to 2017-03-02/);
});

test('completion by entrypoint: a null entrypoint is shown as (none), rate = completed ÷ begun', () => {
  const chart = shapeReport(
    {
      ...noData,
      entrypoints: [
        { entrypoint: null, flows_begun: 4, flows_completed: 1 },
        { entrypoint: 'menupanel', flows_begun: 0, flows_completed: 0 },
      ],
    },
    range,
  ).find((c) => c.id === 'entrypoints')!;
  assert.deepEqual(chart.table.rows, [
    ['(none)', 4, 1, 0.25],
    ['menupanel', 0, 0, null],
  ]);
});

test('no data: every chart is empty but still listed, the funnel section included', () => {
  const charts = shapeReport(noData, null);
  assert.ok(charts.length >= 9);
  assert.ok(charts.every(isEmptyChart));
  assert.ok(charts.some((c) => c.id.startsWith('funnel-')));
  assert.match(charts[0].caption, /no days/);
});

test('number formats', () => {
  assert.equal(formatValue(12345, 'int'), '12,345');
  assert.equal(formatValue(1.25, 'mean'), '1.3');
  assert.equal(formatValue(1 / 3, 'ratio'), '0.3333');
  assert.equal(formatValue(0.1234, 'pct'), '12.3%');
  assert.equal(formatValue(1500.5, 'ms'), '1,501 ms');
  assert.equal(formatValue(null, 'pct'), '—');
  assert.equal(formatValue(Number.NaN, 'int'), '—');
  assert.equal(formatValue('x<y', 'text'), 'x<y', 'escaping is the page’s job, not the formatter’s');
});
