import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, jsonForScript, renderReportHtml } from '../../../scripts/kpi-report/html.ts';
import { readAssets } from '../../../scripts/kpi-report/assets.ts';
import { shapeReport, type ReportData } from '../../../scripts/kpi-report/shape.ts';
import type { KpiData } from '../../../scripts/kpi-report/queries.ts';
import { NO_DATA } from '../../../scripts/kpi-report/index.ts';

const HOSTILE = '</script><script>alert(1)</script>';
const noData = NO_DATA;

function page(data: KpiData): string {
  const range = { from: '2017-03-01', to: '2017-03-01' };
  const report: ReportData = {
    title: 'KPI report',
    range,
    generatedAt: '2017-03-02T00:00:00Z',
    target: 'duckdb',
    charts: shapeReport(data, range),
  };
  return renderReportHtml(report, readAssets());
}

/** The text of the embedded JSON element, as the browser would read it. */
function embeddedJson(html: string): unknown {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'the data element is there');
  return JSON.parse(m[1]);
}

test('escapeHtml escapes the five markup characters and nothing else', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  assert.equal(escapeHtml('menupanel ü → 1'), 'menupanel ü → 1');
});

test('jsonForScript: nothing in the data can end the element, and it parses back to the same value', () => {
  const value = { entrypoint: HOSTILE, comment: '<!-- x -->', sep: 'a\u2028b\u2029c' };
  const text = jsonForScript(value);
  assert.ok(!text.includes('<'), text);
  assert.ok(!text.includes('\u2028') && !text.includes('\u2029'));
  assert.deepEqual(JSON.parse(text), value);
});

test('a hostile entrypoint appears as text in the table and as data in the JSON, never as markup', () => {
  const html = page({ ...noData, entrypoints: [{ entrypoint: HOSTILE, flows_begun: 3, flows_completed: 1 }] });
  // exactly three script elements: the JSON, Chart.js, the page's own script
  assert.equal(html.match(/<script/gi)?.length, 3);
  assert.ok(!html.includes('alert(1)</script>'), 'the value never appears raw');
  assert.ok(html.includes('<td>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>'), 'shown escaped in its table cell');
  const data = embeddedJson(html) as ReportData;
  assert.deepEqual(data.charts.find((c) => c.id === 'entrypoints')!.labels, [HOSTILE]);
});

test('a hostile error name and OS are escaped too', () => {
  const html = page({
    ...noData,
    errors: [{ error: '<img src=x onerror=alert(2)>', abandoned_flows: 1, events: 1 }],
    engagement: [{ day: '2017-03-01', breakdown: 'ua_os', segment: '"><b>os', dau: 1, dau_7day_mean: 1, mau: 1, engagement_ratio: 1 }],
  });
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(2)&gt;'));
  assert.ok(!html.includes('"><b>os'));
  assert.ok(html.includes('<th>&quot;&gt;&lt;b&gt;os</th>'));
});

test('self-contained: no URL to fetch, a CSP that refuses the network, Chart.js inlined', () => {
  const html = page(noData);
  assert.ok(!/<(script|link|img|iframe)[^>]+(src|href)=/i.test(html), 'no external resource element');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /Chart\.js v4\./);
  assert.match(html, /<p class="no-data" id="no-data">no data in range<\/p>/);
});

test('a page with data has no page-wide "no data" note; an empty chart gets its own', () => {
  const html = page({ ...noData, errors: [{ error: 'customs.blocked', abandoned_flows: 2, events: 3 }] });
  assert.ok(!html.includes('id="no-data"'));
  assert.match(html, /<section class="chart" id="section-errors" data-chart="errors" data-empty="false">/);
  assert.match(html, /<section class="chart" id="section-engagement" data-chart="engagement" data-empty="true">[\s\S]*?no data in range/);
  assert.match(html, /<td>customs\.blocked<\/td><td class="num">2<\/td><td class="num">3<\/td>/);
});
