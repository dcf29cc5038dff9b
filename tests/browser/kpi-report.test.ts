// The KPI report in Debian's Chromium (headless, playwright-core): built from
// real data (generated logs → nightly: load + dbt build), written by the
// real `report` command, opened from file:// with the network cut off.
// Every chart must be drawn with data, every number in the tables must equal
// the KPI tables' values queried here independently, and the page must make
// no request. Screenshot: test-artifacts/report.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Page } from 'playwright-core';
import { openInChromium } from './chromium.ts';
import { cli, feed, makeLogs, projectRoot, tempDir } from '../integration/nightly-helpers.ts';
import { makeKpiWarehouse, sampleRows } from '../unit/kpi-report/kpi-fixture.ts';
import type { RunReport } from '../../scripts/orchestration/run-report.ts';

const ARTIFACTS = join(projectRoot, 'test-artifacts');
const HOSTILE = '</script><script>alert(1)</script>';

type SqlRow = Record<string, unknown>;

async function querySql(dbFile: string, sql: string): Promise<SqlRow[]> {
  const db = await DuckDBInstance.create(dbFile, { access_mode: 'READ_ONLY' });
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as SqlRow[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** The text of every body cell of a chart's table, row by row. */
function tableCells(page: Page, id: string): Promise<string[][]> {
  return page.$$eval(`table[data-table="${id}"] tbody tr`, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
  );
}

function tableHeader(page: Page, id: string): Promise<string[]> {
  return page.$$eval(`table[data-table="${id}"] thead th`, (ths) => ths.map((th) => th.textContent ?? ''));
}

type Kind = 'int' | 'ratio' | 'pct' | 'ms' | 'mean';
// what one unit of the last shown digit is worth, per kind of number
const HALF_STEP: Record<Kind, number> = { int: 0, ratio: 0.00005, pct: 0.0005, ms: 0.5, mean: 0.05 };

/** Asserts a shown number equals the SQL value to the precision it is shown with; '—' for null. */
function assertShown(text: string, expected: unknown, kind: Kind, where: string): void {
  if (expected === null || expected === undefined) {
    assert.equal(text, '—', `${where}: null shown as —`);
    return;
  }
  const raw = text.replace(/,/g, '').replace(/ ms$/, '').replace(/%$/, '');
  assert.match(raw, /^-?\d+(\.\d+)?$/, `${where}: '${text}' is a number`);
  const shown = kind === 'pct' ? Number(raw) / 100 : Number(raw);
  const want = Number(expected);
  assert.ok(Math.abs(shown - want) <= HALF_STEP[kind] + 1e-9, `${where}: shown ${text}, SQL ${want}`);
}

const day = (v: unknown) => String(v);

async function checkTablesAgainstSql(page: Page, dbFile: string): Promise<void> {
  const q = (sql: string) => querySql(dbFile, sql);

  // engagement ratio, all users and device segments
  const eng = await q(
    `select cast(day as varchar) as day, breakdown, segment, dau, dau_7day_mean, mau, engagement_ratio from main.kpi_engagement_daily order by day`,
  );
  const engRows = await tableCells(page, 'engagement');
  const allDays = eng.filter((r) => r.breakdown === 'all');
  assert.equal(engRows.length, allDays.length);
  for (const [i, r] of allDays.entries()) {
    assert.equal(engRows[i][0], day(r.day));
    assertShown(engRows[i][1], r.engagement_ratio, 'ratio', `engagement ${r.day} all`);
    for (const [col, seg] of [
      [2, 'multi-device'],
      [3, 'single-device'],
    ] as const) {
      const s = eng.find((x) => x.day === r.day && x.breakdown === 'devices' && x.segment === seg);
      assertShown(engRows[i][col], s ? s.engagement_ratio : null, 'ratio', `engagement ${r.day} ${seg}`);
    }
  }
  const dauMau = await tableCells(page, 'dau-mau');
  for (const [i, r] of allDays.entries()) {
    assertShown(dauMau[i][1], r.dau, 'int', `DAU ${r.day}`);
    assertShown(dauMau[i][2], r.dau_7day_mean, 'mean', `mean DAU ${r.day}`);
    assertShown(dauMau[i][3], r.mau, 'int', `MAU ${r.day}`);
  }
  const osHeader = await tableHeader(page, 'engagement-os');
  const osRows = await tableCells(page, 'engagement-os');
  assert.ok(osHeader.length > 1, 'at least one OS shown');
  for (const row of osRows) {
    for (let c = 1; c < osHeader.length; c++) {
      const s = eng.find((x) => x.day === row[0] && x.breakdown === 'ua_os' && x.segment === osHeader[c]);
      assertShown(row[c], s ? s.engagement_ratio : null, 'ratio', `OS ${osHeader[c]} ${row[0]}`);
    }
  }

  // multi-device share
  const md = await q(`select cast(day as varchar) as day, * exclude (day) from main.kpi_multi_device_daily order by day`);
  const mdRows = await tableCells(page, 'multi-device');
  assert.equal(mdRows.length, md.length);
  for (const [i, r] of md.entries()) {
    assert.equal(mdRows[i][0], day(r.day));
    const cols = ['dau', 'multi_device_dau', 'multi_device_dau_share', 'mau', 'multi_device_mau', 'multi_device_mau_share'];
    cols.forEach((c, j) => assertShown(mdRows[i][j + 1], r[c], c.endsWith('share') ? 'pct' : 'int', `multi-device ${r.day} ${c}`));
  }

  // time to connect, by begin day and new/existing account
  const ttc = await q(
    `select cast(export_date as varchar) as day, * exclude (export_date) from main.kpi_time_to_connect_daily order by export_date, new_account`,
  );
  const ttcRows = await tableCells(page, 'time-to-connect');
  assert.equal(ttcRows.length, ttc.length);
  assert.ok(
    ttc.some((r) => r.flow_time_p50_ms !== null),
    'some Sync flow completed',
  );
  for (const [i, r] of ttc.entries()) {
    assert.deepEqual(ttcRows[i].slice(0, 2), [day(r.day), r.new_account ? 'new' : 'existing']);
    assertShown(ttcRows[i][2], r.flows_begun, 'int', 'flows begun');
    assertShown(ttcRows[i][3], r.flows_completed, 'int', 'flows completed');
    assertShown(ttcRows[i][4], r.completion_rate, 'pct', 'completion rate');
    assertShown(ttcRows[i][5], r.flow_time_p25_ms, 'ms', `p25 ${r.day}`);
    assertShown(ttcRows[i][6], r.flow_time_p50_ms, 'ms', `p50 ${r.day}`);
    assertShown(ttcRows[i][7], r.flow_time_p75_ms, 'ms', `p75 ${r.day}`);
  }

  // funnels: flows per step over all days and segments, step-to-step conversion
  const steps = await q(
    `select funnel, step_number, sum(flows) as flows from main.kpi_funnel_daily group by all order by funnel, step_number`,
  );
  for (const funnel of ['sign-up', 'sign-in', 'password-reset']) {
    const mine = steps.filter((s) => s.funnel === funnel);
    const rows = await tableCells(page, `funnel-${funnel}`);
    assert.equal(rows.length, mine.length, `${funnel}: one row per step`);
    assert.ok(Number(mine[0].flows) > 0, `${funnel}: flows at step 1`);
    for (const [i, s] of mine.entries()) {
      assert.equal(rows[i][0], String(s.step_number));
      assertShown(rows[i][2], s.flows, 'int', `${funnel} step ${s.step_number}`);
      const before = i === 0 ? null : Number(mine[i - 1].flows);
      assertShown(rows[i][3], before ? Number(s.flows) / before : null, 'pct', `${funnel} step ${s.step_number} from the step before`);
      assertShown(rows[i][4], Number(s.flows) / Number(mine[0].flows), 'pct', `${funnel} step ${s.step_number} from the first`);
    }
  }

  // completion by entrypoint (the most flows begun first)
  const ep = await q(
    `select coalesce(entrypoint, '(none)') as entrypoint, sum(flows_begun) as b, sum(flows_completed) as c from main.kpi_flow_outcomes_daily group by all`,
  );
  const epRows = await tableCells(page, 'entrypoints');
  assert.equal(epRows.length, Math.min(12, ep.length));
  for (const row of epRows) {
    const r = ep.find((x) => x.entrypoint === row[0]);
    assert.ok(r, `entrypoint ${row[0]} is in the table`);
    assertShown(row[1], r.b, 'int', `begun ${row[0]}`);
    assertShown(row[2], r.c, 'int', `completed ${row[0]}`);
    assertShown(row[3], Number(r.c) / Number(r.b), 'pct', `rate ${row[0]}`);
  }
  const shownBegun = epRows.map((r) => Number(r[1].replace(/,/g, '')));
  assert.deepEqual(
    shownBegun,
    [...shownBegun].sort((a, b) => b - a),
    'most flows begun first',
  );

  // new accounts and email verification per day
  const out = await q(
    `select cast(export_date as varchar) as day, sum(flows_new_account) as n, sum(flows_verified) as v from main.kpi_flow_outcomes_daily group by all order by day`,
  );
  const outRows = await tableCells(page, 'new-accounts');
  assert.equal(outRows.length, out.length);
  for (const [i, r] of out.entries()) {
    assert.equal(outRows[i][0], day(r.day));
    assertShown(outRows[i][4], r.n, 'int', `new accounts ${r.day}`);
    assertShown(outRows[i][5], r.v, 'int', `verified ${r.day}`);
    assertShown(outRows[i][6], Number(r.n) > 0 ? Number(r.v) / Number(r.n) : null, 'pct', `verification ${r.day}`);
  }

  // top errors in abandoned flows
  const errs = await q(`select error, sum(abandoned_flows) as a, sum(events) as e from main.kpi_flow_errors_daily group by all`);
  const errRows = await tableCells(page, 'errors');
  assert.equal(errRows.length, Math.min(15, errs.length));
  for (const row of errRows) {
    const r = errs.find((x) => x.error === row[0]);
    assert.ok(r, `error ${row[0]}`);
    assertShown(row[1], r.a, 'int', `abandoned ${row[0]}`);
    assertShown(row[2], r.e, 'int', `events ${row[0]}`);
  }
  const shownMin = Math.min(...errRows.map((r) => Number(r[1].replace(/,/g, ''))));
  assert.ok(
    errs.filter((r) => !errRows.some((row) => row[0] === r.error)).every((r) => Number(r.a) <= shownMin),
    'the most frequent are shown',
  );
}

interface ChartState {
  id: string;
  empty: string | null;
  points: number;
  inkPixels: number;
}

/** Per chart section: its Chart.js instance's non-null points and how many canvas pixels are drawn. */
function chartStates(page: Page): Promise<ChartState[]> {
  return page.$$eval('section[data-chart]', (sections) =>
    sections.map((s) => {
      const id = s.getAttribute('data-chart')!;
      const chart = (window as unknown as { fxaCharts: Record<string, { data: { datasets: Array<{ data: unknown[] }> } }> }).fxaCharts[id];
      const points = chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0) : 0;
      const canvas = s.querySelector('canvas');
      let inkPixels = 0;
      if (canvas && canvas.width > 0) {
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inkPixels++;
      }
      return { id, empty: s.getAttribute('data-empty'), points, inkPixels };
    }),
  );
}

test('the network guard sees a request from a file:// page', async () => {
  const { dir, cleanup } = tempDir('report-guard');
  try {
    const probe = join(dir, 'probe.html');
    writeFileSync(probe, '<!doctype html><img src="http://192.0.2.1/probe.png"><p>probe</p>');
    const opened = await openInChromium(pathToFileURL(probe).href);
    try {
      assert.deepEqual(opened.networkRequests, ['http://192.0.2.1/probe.png']);
    } finally {
      await opened.close();
    }
  } finally {
    cleanup();
  }
});

test('the report of a real pipeline: every chart drawn, numbers equal to SQL, no network', async () => {
  const { dir, cleanup } = tempDir('report-browser');
  try {
    const files = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 3, users: 150, seed: 11 });
    const input = join(dir, 'input');
    const data = join(dir, 'data');

    // nightly with --no-kpi-report writes none
    feed(files.slice(0, 2), input);
    const first = cli(['nightly', '--input', input, '--data-dir', data, '--no-kpi-report', '--json']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal((JSON.parse(first.stdout) as RunReport).kpiReport, undefined);
    assert.deepEqual(
      readdirSync(join(data, 'runs')).filter((f) => f.endsWith('.html')),
      [],
    );

    // by default the nightly writes it next to its run report
    feed(files.slice(2), input);
    const second = cli(['nightly', '--input', input, '--data-dir', data, '--json']);
    assert.equal(second.code, 0, second.stderr);
    const run = JSON.parse(second.stdout) as RunReport;
    assert.equal(run.kpiReport, join(data, 'runs', `${run.runId}.report.html`));
    assert.ok(existsSync(run.kpiReport!));
    assert.match(second.stderr, /KPI report: .*\.report\.html/);

    const out = join(dir, 'report.html');
    const made = cli(['report', '--data-dir', data, '--out', out]);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(made.stdout.trim(), out);

    const opened = await openInChromium(pathToFileURL(out).href);
    const pageErrors: string[] = [];
    const dialogs: string[] = [];
    opened.page.on('pageerror', (e) => pageErrors.push(e.message));
    opened.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      const page = opened.page;
      const states = await chartStates(page);
      assert.deepEqual(states.map((s) => s.id).sort(), [
        'dau-mau',
        'engagement',
        'engagement-os',
        'entrypoints',
        'errors',
        'funnel-password-reset',
        'funnel-sign-in',
        'funnel-sign-up',
        'multi-device',
        'new-accounts',
        'time-to-connect',
      ]);
      for (const s of states) {
        assert.equal(s.empty, 'false', `${s.id} has data`);
        assert.ok(s.points > 0, `${s.id}: the chart has points`);
        assert.ok(s.inkPixels > 2000, `${s.id}: the canvas is drawn on (${s.inkPixels} pixels)`);
      }
      assert.equal(await page.locator('#no-data').count(), 0);
      assert.equal(await page.locator('p.caption').count(), states.length, 'one caption per chart');

      // the numbers on hover: the sign-in funnel's second bar
      const hover = await page.evaluate(() => {
        const chart = (window as any).fxaCharts['funnel-sign-in'];
        const bar = chart.getDatasetMeta(0).data[1];
        const box = chart.canvas.getBoundingClientRect();
        chart.canvas.scrollIntoView();
        const after = chart.canvas.getBoundingClientRect();
        return { x: after.left + bar.x * (after.width / chart.width), y: after.top + bar.y + 5, boxWidth: box.width };
      });
      await page.mouse.move(hover.x, hover.y);
      const tooltip = await page.evaluate(() => {
        const t = (window as any).fxaCharts['funnel-sign-in'].tooltip;
        return { body: t.body.flatMap((b: { lines: string[] }) => b.lines), footer: t.footer };
      });
      const signIn = await tableCells(page, 'funnel-sign-in');
      assert.deepEqual(tooltip.body, [`flows: ${signIn[1][2]}`]);
      assert.deepEqual(tooltip.footer, [`from the step before: ${signIn[1][3]}; from the first step: ${signIn[1][4]}`]);
      await page.mouse.move(0, 0);

      await checkTablesAgainstSql(page, join(data, 'warehouse.duckdb'));

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
      assert.ok(readFileSync(join(ARTIFACTS, 'report.png')).length > 10_000);

      assert.deepEqual(opened.networkRequests, [], 'the page made no network request');
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(dialogs, []);
    } finally {
      await opened.close();
    }
  } finally {
    cleanup();
  }
});

interface WindowView {
  labels: string[];
  partial: boolean[];
  drawn: string[];
  palette: string;
  caption: string;
  warning: string | null;
  markedRows: string[];
  rows: number;
}

/** What a chart shows of its windows: the partial flags, the drawn point colours, caption, warning and marked table rows. */
async function windowView(page: Page, id: string, datasetIndex = 0): Promise<WindowView> {
  return page.evaluate(
    ([chartId, i]) => {
      const chart = (window as any).fxaCharts[chartId];
      const spec = JSON.parse(document.getElementById('report-data')!.textContent!).charts.find((c: { id: string }) => c.id === chartId);
      const section = document.querySelector(`section[data-chart="${chartId}"]`)!;
      return {
        labels: spec.labels,
        partial: spec.datasets[i].partial,
        drawn: chart.getDatasetMeta(i).data.map((p: { options: { borderColor: string } }) => p.options.borderColor),
        palette: chart.data.datasets[i].borderColor,
        caption: section.querySelector('p.caption')!.textContent!,
        warning: section.querySelector('p.warning')?.textContent ?? null,
        markedRows: [...section.querySelectorAll('tbody tr.partial')].map((tr) => tr.querySelector('td')!.textContent!),
        rows: section.querySelectorAll('tbody tr').length,
      };
    },
    [id, datasetIndex] as const,
  );
}

/** Generated logs of `days` days from 2017-03-01, loaded and built, and their report opened. */
async function reportOfDays(dir: string, days: number) {
  const data = join(dir, 'data');
  await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days, users: 40, seed: 3 });
  for (const args of [
    ['load', join(dir, 'logs'), '--data-dir', data],
    ['build', '--full-refresh', '--data-dir', data],
  ]) {
    const r = cli(args);
    assert.equal(r.code, 0, r.stderr);
  }
  const out = join(dir, 'report.html');
  const made = cli(['report', '--data-dir', data, '--out', out]);
  assert.equal(made.code, 0, made.stderr);
  return openInChromium(pathToFileURL(out).href);
}

test('a 7-day sample: every engagement point is marked as a window still filling, with a warning', async () => {
  const { dir, cleanup } = tempDir('report-7-days');
  try {
    const opened = await reportOfDays(dir, 7);
    try {
      const eng = await windowView(opened.page, 'engagement');
      assert.equal(eng.labels.length, 7);
      assert.deepEqual(eng.partial, Array(7).fill(true));
      assert.match(eng.warning ?? '', /^Not complete: no day shown has a full 28-day window \(the data begins on 2017-03-01/);
      assert.match(eng.caption, /The ratio is complete from 2017-03-28 \(the 28th day of data, which begins on 2017-03-01\)/);
      assert.ok(
        eng.drawn.every((c) => c !== eng.palette),
        'every point drawn grey',
      );
      assert.deepEqual(eng.markedRows, eng.labels, 'every table row marked');
      // the 7-day mean is complete on the 7th day, MAU on no day
      const mean = await windowView(opened.page, 'dau-mau', 1);
      assert.deepEqual(mean.partial, [true, true, true, true, true, true, false]);
      assert.equal(mean.drawn[6], mean.palette);
      assert.match(mean.caption, /The 7-day mean is complete from 2017-03-07/);
      const dau = await windowView(opened.page, 'dau-mau', 0);
      assert.equal(dau.partial, undefined, 'DAU needs no window');
      assert.deepEqual(opened.networkRequests, []);
    } finally {
      await opened.close();
    }
  } finally {
    cleanup();
  }
});

test('a 35-day sample: engagement points are complete from the 28th day on, earlier ones marked', async () => {
  const { dir, cleanup } = tempDir('report-35-days');
  try {
    const opened = await reportOfDays(dir, 35);
    try {
      for (const id of ['engagement', 'engagement-os', 'multi-device']) {
        const v = await windowView(opened.page, id, id === 'multi-device' ? 1 : 0);
        const complete = v.labels.filter((l) => l >= '2017-03-28');
        assert.ok(complete.length >= 7, `${id}: complete days shown: ${complete.join(', ')}`);
        v.labels.forEach((l, i) => {
          assert.equal(v.partial[i], l < '2017-03-28', `${id} ${l}`);
          if (l >= '2017-03-28') assert.equal(v.drawn[i], v.palette, `${id} ${l}: drawn in the series colour`);
          else assert.notEqual(v.drawn[i], v.palette, `${id} ${l}: drawn grey`);
        });
        assert.match(v.caption, /complete from 2017-03-28/);
        assert.match(v.warning ?? '', /^The \d+ days before 2017-03-28 are not complete/);
        assert.deepEqual(
          v.markedRows,
          v.labels.filter((l) => l < '2017-03-28'),
          `${id}: the rows before the 28th day are marked`,
        );
        assert.equal(v.rows, v.labels.length);
      }
      const mau = await windowView(opened.page, 'dau-mau', 2);
      assert.deepEqual(
        mau.partial,
        mau.labels.map((l) => l < '2017-03-28'),
      );
      assert.deepEqual(opened.networkRequests, []);
      await opened.page.screenshot({ path: join(ARTIFACTS, 'report-35-days.png'), fullPage: true });
    } finally {
      await opened.close();
    }
  } finally {
    cleanup();
  }
});

test('a hostile entrypoint is shown as text and runs nothing', async () => {
  const { dir, cleanup } = tempDir('report-hostile');
  try {
    await makeKpiWarehouse(dir, sampleRows(HOSTILE));
    const out = join(dir, 'report.html');
    const made = cli(['report', '--data-dir', dir, '--out', out]);
    assert.equal(made.code, 0, made.stderr);
    const opened = await openInChromium(pathToFileURL(out).href);
    try {
      const page = opened.page;
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      assert.equal(await page.locator('script').count(), 3, 'no script element came from the data');
      const rows = await tableCells(page, 'entrypoints');
      assert.ok(
        rows.some((r) => r[0] === HOSTILE),
        'the value is shown as its text',
      );
      const labels = await page.evaluate(() => (window as any).fxaCharts.entrypoints.data.labels as string[]);
      assert.ok(labels.includes(HOSTILE), 'and is a chart label, as data');
      assert.deepEqual(dialogs, []);
      assert.deepEqual(opened.networkRequests, []);
    } finally {
      await opened.close();
    }
  } finally {
    cleanup();
  }
});
