// The report page: one self-contained HTML file. Every text from the data
// (entrypoints, utm values, error names) is HTML-escaped in markup, and the
// JSON the charts are drawn from cannot end its <script> element.
import { formatValue, type Cell } from './format.ts';
import { isEmptyChart, type ChartSpec, type ReportData } from './shape.ts';
import type { ReportAssets } from './assets.ts';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON for a <script type="application/json"> element. Every `<` becomes
 * \u003c (so `</script>` or `<!--` in the data cannot end or change the
 * element), and the line separators JavaScript once rejected are escaped too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** An inline script must not contain what would end its element early. */
function inlineScript(source: string, name: string): string {
  if (/<\/script|<!--/i.test(source)) throw new Error(`${name} cannot be inlined: it contains </script or <!--`);
  return `<script>\n${source}\n</script>`;
}

// Only inline scripts and styles may run; anything that would fetch is refused.
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1100px; padding: 0 16px 48px; color: #20123a; }
header { border-bottom: 1px solid #d7d7db; margin-bottom: 8px; }
h1 { font-size: 24px; margin: 20px 0 4px; }
h2 { font-size: 18px; margin: 32px 0 2px; }
.meta, .caption { color: #4a4a4f; margin: 2px 0 8px; }
.no-data { background: #f9f9fa; border: 1px dashed #b1b1b3; padding: 16px; text-align: center; color: #4a4a4f; }
.canvas-box { position: relative; height: 320px; }
nav a { margin-right: 12px; white-space: nowrap; }
table { border-collapse: collapse; margin-top: 6px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #ededf0; padding: 3px 10px; text-align: left; }
td.num { text-align: right; }
.warning { background: #fff4de; border-left: 4px solid #d7b600; padding: 6px 10px; margin: 4px 0 8px; }
tr.partial td { color: #8f8f9d; font-style: italic; }
tr.partial td:first-child::after { content: " \\2020"; }
.marks-key { color: #4a4a4f; font-size: 12px; margin: 4px 0 0; }
`;

function tableHtml(c: ChartSpec): string {
  const head = c.table.columns.map((col) => `<th>${escapeHtml(col.label)}</th>`).join('');
  const body = c.table.rows
    .map((row, r) => {
      const cells = row.map((v: Cell, i) => {
        const col = c.table.columns[i];
        const cls = col.format === 'text' ? '' : ' class="num"';
        return `<td${cls}>${escapeHtml(formatValue(v, col.format))}</td>`;
      });
      const mark = c.table.marks?.[r];
      return mark
        ? `<tr class="partial" data-partial="${escapeHtml(mark)}" title="${escapeHtml(mark)}">${cells.join('')}</tr>`
        : `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  const key = c.table.marks?.some((m) => m !== null)
    ? `\n<p class="marks-key">\u2020 grey rows: a window of these figures is not full yet (hover a row for which).</p>`
    : '';
  return `<table data-table="${escapeHtml(c.id)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${key}`;
}

function chartHtml(c: ChartSpec): string {
  const id = escapeHtml(c.id);
  const graphic = isEmptyChart(c)
    ? `<p class="no-data">no data in range</p>`
    : `<div class="canvas-box"><canvas id="chart-${id}" role="img" aria-label="${escapeHtml(c.title)}"></canvas></div>`;
  return [
    `<section class="chart" id="section-${id}" data-chart="${id}" data-empty="${isEmptyChart(c)}">`,
    `<h2>${escapeHtml(c.title)}</h2>`,
    `<p class="caption">${escapeHtml(c.caption)}</p>`,
    c.warning && !isEmptyChart(c) ? `<p class="warning" role="note">${escapeHtml(c.warning)}</p>` : '',
    graphic,
    isEmptyChart(c) ? '' : tableHtml(c),
    `</section>`,
  ].join('\n');
}

export function renderReportHtml(data: ReportData, assets: ReportAssets): string {
  const range = data.range ? `days ${data.range.from} to ${data.range.to}` : 'no days';
  const empty = data.charts.every(isEmptyChart);
  const nav = data.charts.map((c) => `<a href="#section-${escapeHtml(c.id)}">${escapeHtml(c.title)}</a>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="meta">${escapeHtml(`${range} · warehouse: ${data.target} · generated ${data.generatedAt}`)}</p>
${empty ? '<p class="no-data" id="no-data">no data in range</p>' : ''}
<nav>${nav}</nav>
</header>
${data.charts.map(chartHtml).join('\n')}
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
${inlineScript(assets.chartJs, 'chart.js')}
${inlineScript(assets.clientJs, 'the report script')}
</body>
</html>
`;
}
