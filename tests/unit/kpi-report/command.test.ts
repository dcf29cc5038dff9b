// `fxa-metrics report` through the real CLI on hand-made KPI tables in a
// real DuckDB file: exit codes, range filtering in SQL, the empty range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeKpiWarehouse, sampleRows } from './kpi-fixture.ts';
import type { ReportData } from '../../../scripts/kpi-report/shape.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(root, 'bin', 'fxa-metrics.mjs');

function report(args: string[]) {
  const env = { ...process.env };
  delete env.FXA_DBT_TARGET;
  delete env.FXA_DATA_DIR;
  const r = spawnSync(process.execPath, [CLI, 'report', ...args], { cwd: root, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fxa-report-cli-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const embedded = (html: string) =>
  JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]) as ReportData;

test(
  'writes the report; default range = all days in the KPI tables',
  withDir(async (dir) => {
    await makeKpiWarehouse(dir, sampleRows());
    const out = join(dir, 'out', 'report.html');
    const r = report(['--data-dir', dir, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), out);
    const data = embedded(readFileSync(out, 'utf8'));
    assert.deepEqual(data.range, { from: '2017-03-01', to: '2017-03-02' });
    const funnel = data.charts.find((c) => c.id === 'funnel-sign-in')!;
    // summed over both days and segments
    assert.deepEqual(funnel.datasets[0].data, [20, 12, 2]);
    const errors = data.charts.find((c) => c.id === 'errors')!;
    assert.deepEqual(errors.table.rows, [
      ['customs.blocked', 3, 4],
      ['route.account.login.400.103', 1, 2],
    ]);
  }),
);

test(
  '--from/--to filter every table by its day column',
  withDir(async (dir) => {
    await makeKpiWarehouse(dir, sampleRows());
    const out = join(dir, 'r.html');
    const r = report(['--data-dir', dir, '--out', out, '--from', '2017-03-02', '--to', '2017-03-02']);
    assert.equal(r.code, 0, r.stderr);
    const data = embedded(readFileSync(out, 'utf8'));
    const chart = (id: string) => data.charts.find((c) => c.id === id)!;
    assert.deepEqual(chart('dau-mau').labels, ['2017-03-02']);
    assert.deepEqual(chart('multi-device').labels, ['2017-03-02']);
    assert.deepEqual(chart('funnel-sign-in').datasets[0].data, [10, 4, 0]);
    assert.deepEqual(chart('errors').table.rows, [
      ['customs.blocked', 1, 1],
      ['route.account.login.400.103', 1, 2],
    ]);
    assert.deepEqual(chart('time-to-connect').labels, [], 'no time-to-connect row on that day');
    assert.deepEqual(chart('entrypoints').labels.sort(), ['(none)', 'menupanel']);
  }),
);

test(
  'a range without data still renders and says so (exit 0)',
  withDir(async (dir) => {
    await makeKpiWarehouse(dir, sampleRows());
    const out = join(dir, 'r.html');
    const r = report(['--data-dir', dir, '--out', out, '--from', '2018-01-01', '--to', '2018-01-31']);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /id="no-data">no data in range</);
    assert.match(html, /days 2018-01-01 to 2018-01-31/);
    assert.ok(embedded(html).charts.every((c) => c.labels.length === 0));
  }),
);

test(
  'empty KPI tables: renders with "no data in range"',
  withDir(async (dir) => {
    await makeKpiWarehouse(dir, {});
    const out = join(dir, 'r.html');
    const r = report(['--data-dir', dir, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(out, 'utf8'), /id="no-data">no data in range</);
  }),
);

test(
  'missing KPI tables: exit 2, one line saying to build first, no file',
  withDir(async (dir) => {
    await makeKpiWarehouse(dir, sampleRows(), ['kpi_engagement_daily', 'kpi_multi_device_daily']);
    const out = join(dir, 'r.html');
    const r = report(['--data-dir', dir, '--out', out]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^fxa-metrics: KPI tables not built \(kpi_time_to_connect_daily is missing; .*kpi_flow_errors_daily is missing\): run `fxa-metrics nightly` or `fxa-metrics build` first\n$/,
    );
    assert.ok(!existsSync(out));
  }),
);

test(
  'no warehouse at all: exit 2',
  withDir(async (dir) => {
    mkdirSync(join(dir, 'empty'));
    const r = report(['--data-dir', join(dir, 'empty'), '--out', join(dir, 'r.html')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^fxa-metrics: no warehouse at .*: run `fxa-metrics nightly` or `fxa-metrics build` first\n$/);
  }),
);

test(
  'bad --from/--to: exit 2, one line, before the warehouse is opened',
  withDir(async (dir) => {
    const out = join(dir, 'r.html');
    for (const [args, message] of [
      [['--from', '2017-13-01'], /--from must be a date YYYY-MM-DD, got '2017-13-01'/],
      [['--to', 'yesterday'], /--to must be a date YYYY-MM-DD/],
      [['--from', '2017-03-05', '--to', '2017-03-01'], /--from 2017-03-05 is after --to 2017-03-01/],
    ] as const) {
      const r = report(['--data-dir', join(dir, 'none'), '--out', out, ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.match(r.stderr, message);
    }
    assert.ok(!existsSync(out));
  }),
);
