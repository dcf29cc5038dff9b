// Turns the KPI rows into chart specs: labels, series with their hover text,
// and the table shown under each chart. Pure functions, no I/O.
import { formatValue, type Cell, type Format } from './format.ts';
import { addDays, daysBetween, type DayRange } from '../lib/days.ts';
import type {
  EngagementRow,
  EntrypointRow,
  ErrorRow,
  FunnelStepRow,
  KpiData,
  MultiDeviceRow,
  OutcomeDayRow,
  TimeToConnectRow,
} from './queries.ts';

export interface Dataset {
  label: string;
  data: Array<number | null>;
  /** the hover text of each point, formatted like the table */
  text: string[];
  format: Format;
  /** drawn as bars in a line chart (or lines in a bar chart) */
  type?: 'line' | 'bar';
  /** 'y2': a second axis on the right */
  axis?: 'y' | 'y2';
  /** per point: its window (28-day MAU, 7-day mean) is not full yet; drawn grey and dashed */
  partial?: boolean[];
}

export interface Column {
  label: string;
  format: Format;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** one line: which table, which days, which definition */
  caption: string;
  type: 'line' | 'bar';
  horizontal?: boolean;
  labels: string[];
  datasets: Dataset[];
  /** extra hover lines per label (funnels: the conversions) */
  footers?: string[];
  /** shown above the chart when some of its points have a window that is not full */
  warning?: string;
  /** per table row: why its figures are not complete (null: they are) */
  table: { columns: Column[]; rows: Cell[][]; marks?: Array<string | null> };
}

export interface ReportData {
  title: string;
  range: DayRange | null;
  generatedAt: string;
  target: string;
  charts: ChartSpec[];
}

export const TOP_ENTRYPOINTS = 12;
export const TOP_ERRORS = 15;
export const TOP_OS = 6;
export const NO_VALUE = '(none)';
// The activity KPIs' windows: the dbt var kpi_mau_days and the 7-day mean.
export const MAU_DAYS = 28;
export const MEAN_DAYS = 7;

const days = (r: DayRange | null) => (!r ? 'no days (no data)' : r.from === r.to ? `day ${r.from}` : `days ${r.from} to ${r.to}`);
const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

function dataset(label: string, data: Array<number | null>, format: Format, extra: Partial<Dataset> = {}): Dataset {
  return { label, data, text: data.map((v) => formatValue(v, format)), format, ...extra };
}

/** Table columns from [label, format] pairs. */
const columns = (...cols: Array<[string, Format]>): Column[] => cols.map(([label, format]) => ({ label, format }));

/** The table of a chart that shows its datasets as they are: a row per label, a column per dataset. */
function seriesTable(labelColumn: string, labels: string[], datasets: Dataset[]): ChartSpec['table'] {
  return {
    columns: [{ label: labelColumn, format: 'text' }, ...datasets.map((d) => ({ label: d.label, format: d.format }))],
    rows: labels.map((l, i) => [l, ...datasets.map((d) => d.data[i])]),
  };
}

/**
 * Which days of a chart have a window of `days` days that the data does not
 * fill: those less than days - 1 after the first day of activity data.
 */
interface WindowFill {
  days: number;
  first: string | null;
  completeFrom: string | null;
  partial: boolean[];
}

function windowFill(labels: string[], first: string | null, days: number): WindowFill {
  const start = first ?? labels[0] ?? null;
  return {
    days,
    first: start,
    completeFrom: start === null ? null : addDays(start, days - 1),
    partial: labels.map((l) => start !== null && daysBetween(start, l) < days - 1),
  };
}

/** The caption's sentence on the window: from which day the figures are complete. */
function fillSentence(f: WindowFill, what: string): string {
  if (f.completeFrom === null) return '';
  const before = f.partial.some(Boolean) ? '; the points before are drawn grey and dashed, their table rows marked' : '';
  return ` ${what} complete from ${f.completeFrom} (the ${f.days}th day of data, which begins on ${f.first})${before}.`;
}

/** The warning over a chart with points whose window is not full; undefined when there are none. */
function fillWarning(f: WindowFill, what: string): string | undefined {
  const partial = f.partial.filter(Boolean).length;
  if (partial === 0) return undefined;
  const why = `the data begins on ${f.first}, so before ${f.completeFrom} the ${f.days}-day window holds fewer days`;
  return partial === f.partial.length
    ? `Not complete: no day shown has a full ${f.days}-day window (${why}); ${what} here only shows the window filling up.`
    : `The ${partial} days before ${f.completeFrom} are not complete (${why}): drawn grey and dashed.`;
}

/** A table row's mark from the windows it falls short of. */
function fillMarks(fills: WindowFill[], labels: string[]): Array<string | null> {
  return labels.map((l, i) => {
    const short = fills.filter((f) => f.partial[i]);
    if (short.length === 0) return null;
    return short.map((f) => `${f.days}-day window: ${daysBetween(f.first!, l) + 1} of ${f.days} days`).join('; ');
  });
}

/** A line chart by day whose table is its datasets, each row marked by the windows (`fills`) it falls short of. */
function windowedLineChart(
  head: Pick<ChartSpec, 'id' | 'title' | 'caption' | 'warning'>,
  labels: string[],
  datasets: Dataset[],
  fills: WindowFill[],
): ChartSpec {
  const { id, title, caption, warning } = head;
  return {
    id,
    title,
    caption,
    type: 'line',
    labels,
    datasets,
    warning,
    table: { ...seriesTable('day', labels, datasets), marks: fillMarks(fills, labels) },
  };
}

/** Sorted distinct values. */
function distinct(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/** One value per label from rows keyed by label; missing labels are null. */
function byLabel<T>(labels: string[], rows: T[], key: (r: T) => string, value: (r: T) => number | null): Array<number | null> {
  const m = new Map(rows.map((r) => [key(r), value(r)]));
  return labels.map((l) => (m.has(l) ? m.get(l)! : null));
}

export interface FunnelStep {
  step_number: number;
  step_name: string;
  flows: number;
  /** flows at this step ÷ flows at the step before; 1 for step 1's own; null when the step before has none */
  stepConversion: number | null;
  /** flows at this step ÷ flows at the funnel's first step */
  overallConversion: number | null;
}

/** Each funnel's steps in order with step-to-step and overall conversion. */
export function funnelConversions(rows: FunnelStepRow[]): Map<string, FunnelStep[]> {
  const out = new Map<string, FunnelStep[]>();
  for (const funnel of distinct(rows.map((r) => r.funnel))) {
    const steps = rows.filter((r) => r.funnel === funnel).sort((a, b) => a.step_number - b.step_number);
    const first = steps[0]?.flows ?? 0;
    out.set(
      funnel,
      steps.map((s, i) => ({
        step_number: s.step_number,
        step_name: s.step_name,
        flows: s.flows,
        stepConversion: i === 0 ? null : ratio(s.flows, steps[i - 1].flows),
        overallConversion: ratio(s.flows, first),
      })),
    );
  }
  return out;
}

/** The n rows with the largest `weight`, ties broken by label so the order is stable. */
export function topN<T>(rows: T[], n: number, weight: (r: T) => number, label: (r: T) => string): T[] {
  return [...rows].sort((a, b) => weight(b) - weight(a) || label(a).localeCompare(label(b))).slice(0, n);
}

function engagementChart(rows: EngagementRow[], range: DayRange | null, first: string | null): ChartSpec {
  const labels = distinct(rows.filter((r) => r.breakdown === 'all').map((r) => r.day));
  const fill = windowFill(labels, first, MAU_DAYS);
  const series = (breakdown: string, segment: string) =>
    byLabel(
      labels,
      rows.filter((r) => r.breakdown === breakdown && r.segment === segment),
      (r) => r.day,
      (r) => r.engagement_ratio,
    );
  const all = series('all', 'all');
  const multi = series('devices', 'multi-device');
  const single = series('devices', 'single-device');
  const partial = { partial: fill.partial };
  const datasets = [
    dataset('all users', all, 'ratio', partial),
    dataset('multi-device users', multi, 'ratio', partial),
    dataset('single-device users', single, 'ratio', partial),
  ];
  const head = {
    id: 'engagement',
    title: 'Engagement ratio',
    caption:
      `Engagement ratio = mean DAU over the 7 days ending each day ÷ MAU (distinct uids active in the 28 days ending that day), ` +
      `all users and single- vs multi-device users; kpi_engagement_daily, ${days(range)}.` +
      fillSentence(fill, 'The ratio is'),
    warning: fillWarning(fill, 'its rise'),
  };
  return windowedLineChart(head, labels, datasets, [fill]);
}

function dauMauChart(rows: EngagementRow[], range: DayRange | null, first: string | null): ChartSpec {
  const base = rows.filter((r) => r.breakdown === 'all' && r.segment === 'all');
  const labels = base.map((r) => r.day);
  const dau = base.map((r) => r.dau);
  const mean = base.map((r) => r.dau_7day_mean);
  const mau = base.map((r) => r.mau);
  const week = windowFill(labels, first, MEAN_DAYS);
  const month = windowFill(labels, first, MAU_DAYS);
  const datasets = [
    dataset('DAU', dau, 'int'),
    dataset('7-day mean DAU', mean, 'mean', { partial: week.partial }),
    dataset('MAU', mau, 'int', { partial: month.partial }),
  ];
  const head = {
    id: 'dau-mau',
    title: 'Daily and monthly active users',
    caption:
      `DAU = distinct uids with an activity event on the day; 7-day mean DAU over the 7 days ending it; ` +
      `MAU = distinct uids active in the 28 days ending it; kpi_engagement_daily (breakdown 'all'), ${days(range)}.` +
      fillSentence(week, 'The 7-day mean is') +
      fillSentence(month, 'MAU is'),
    warning: fillWarning(month, 'the rise of MAU'),
  };
  return windowedLineChart(head, labels, datasets, [week, month]);
}

function engagementByOsChart(rows: EngagementRow[], range: DayRange | null, first: string | null): ChartSpec {
  const os = rows.filter((r) => r.breakdown === 'ua_os');
  const totals = new Map<string, number>();
  for (const r of os) totals.set(r.segment, (totals.get(r.segment) ?? 0) + r.dau);
  const top = topN(
    [...totals.entries()],
    TOP_OS,
    ([, n]) => n,
    ([s]) => s,
  ).map(([s]) => s);
  const labels = distinct(os.map((r) => r.day));
  const fill = windowFill(labels, first, MAU_DAYS);
  const datasets = top.map((s) =>
    dataset(
      s,
      byLabel(
        labels,
        os.filter((r) => r.segment === s),
        (r) => r.day,
        (r) => r.engagement_ratio,
      ),
      'ratio',
      { partial: fill.partial },
    ),
  );
  const head = {
    id: 'engagement-os',
    title: 'Engagement ratio by operating system',
    caption:
      `Engagement ratio (7-day mean DAU ÷ 28-day MAU) of the users of each OS, for the ${TOP_OS} OSes with the most DAU summed over the days; ` +
      `a user counts in every OS they were active with; kpi_engagement_daily (breakdown 'ua_os'), ${days(range)}.` +
      fillSentence(fill, 'The ratio is'),
    warning: fillWarning(fill, 'its rise'),
  };
  return windowedLineChart(head, labels, datasets, [fill]);
}

function multiDeviceChart(rows: MultiDeviceRow[], range: DayRange | null, first: string | null): ChartSpec {
  const labels = rows.map((r) => r.day);
  const fill = windowFill(labels, first, MAU_DAYS);
  const dauShare = rows.map((r) => r.multi_device_dau_share);
  const mauShare = rows.map((r) => r.multi_device_mau_share);
  return {
    id: 'multi-device',
    title: 'Multi-device share',
    caption:
      `Share of DAU that is multi-device that day, and share of MAU multi-device on any day of the 28 days ending it ` +
      `(multi-device days from daily_multi_device_users); kpi_multi_device_daily, ${days(range)}.` +
      fillSentence(fill, 'The share of MAU is'),
    type: 'line',
    labels,
    datasets: [
      dataset('multi-device share of DAU', dauShare, 'pct'),
      dataset('multi-device share of MAU', mauShare, 'pct', { partial: fill.partial }),
    ],
    warning: fillWarning(fill, 'the change in the share of MAU'),
    table: {
      columns: columns(
        ['day', 'text'],
        ['DAU', 'int'],
        ['multi-device DAU', 'int'],
        ['share of DAU', 'pct'],
        ['MAU', 'int'],
        ['multi-device MAU', 'int'],
        ['share of MAU', 'pct'],
      ),
      rows: rows.map((r) => [
        r.day,
        r.dau,
        r.multi_device_dau,
        r.multi_device_dau_share,
        r.mau,
        r.multi_device_mau,
        r.multi_device_mau_share,
      ]),
      marks: fillMarks([fill], labels),
    },
  };
}

function timeToConnectChart(rows: TimeToConnectRow[], range: DayRange | null): ChartSpec {
  const labels = distinct(rows.map((r) => r.day));
  const datasets: Dataset[] = [];
  for (const isNew of [true, false]) {
    const group = rows.filter((r) => r.new_account === isNew);
    const who = isNew ? 'new accounts' : 'existing accounts';
    for (const q of ['p25', 'p50', 'p75'] as const) {
      datasets.push(
        dataset(
          `${q} ${who}`,
          byLabel(
            labels,
            group,
            (r) => r.day,
            (r) => r[q],
          ),
          'ms',
        ),
      );
    }
  }
  return {
    id: 'time-to-connect',
    title: 'Time to device connection',
    caption:
      `Quartiles (p25/p50/p75, interpolated) of the flow_time of each completed Sync flow's first flow.complete, ` +
      `by flow begin day, new vs existing accounts; kpi_time_to_connect_daily, ${days(range)}.`,
    type: 'line',
    labels,
    datasets,
    table: {
      columns: columns(
        ['day', 'text'],
        ['accounts', 'text'],
        ['flows begun', 'int'],
        ['flows completed', 'int'],
        ['completion rate', 'pct'],
        ['p25', 'ms'],
        ['p50', 'ms'],
        ['p75', 'ms'],
      ),
      rows: rows.map((r) => [
        r.day,
        r.new_account ? 'new' : 'existing',
        r.flows_begun,
        r.flows_completed,
        r.completion_rate,
        r.p25,
        r.p50,
        r.p75,
      ]),
    },
  };
}

function funnelCharts(rows: FunnelStepRow[], range: DayRange | null): ChartSpec[] {
  const funnels = [...funnelConversions(rows).entries()];
  // no funnel rows in range: one empty chart keeps the section and its "no data" note
  if (funnels.length === 0) funnels.push(['(no flows in range)', []]);
  return funnels.map(([funnel, steps]) => ({
    id: `funnel-${funnel.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`,
    title: `Funnel: ${funnel}`,
    caption:
      `Distinct flows begun on ${days(range)} that reached each step of the ${funnel} funnel and every step before it, ` +
      `all segments summed, with step-to-step conversion; kpi_funnel_daily.`,
    type: 'bar' as const,
    labels: steps.map((s) => `${s.step_number}. ${s.step_name}`),
    datasets: [
      dataset(
        'flows',
        steps.map((s) => s.flows),
        'int',
      ),
    ],
    footers: steps.map((s, i) =>
      i === 0
        ? 'first step'
        : `from the step before: ${formatValue(s.stepConversion, 'pct')}; from the first step: ${formatValue(s.overallConversion, 'pct')}`,
    ),
    table: {
      columns: columns(
        ['step', 'int'],
        ['name', 'text'],
        ['flows', 'int'],
        ['from the step before', 'pct'],
        ['from the first step', 'pct'],
      ),
      rows: steps.map((s) => [s.step_number, s.step_name, s.flows, s.stepConversion, s.overallConversion]),
    },
  }));
}

function entrypointChart(rows: EntrypointRow[], range: DayRange | null): ChartSpec {
  const top = topN(
    rows,
    TOP_ENTRYPOINTS,
    (r) => r.flows_begun,
    (r) => r.entrypoint ?? '',
  );
  const rate = top.map((r) => ratio(r.flows_completed, r.flows_begun));
  return {
    id: 'entrypoints',
    title: 'Completion by entrypoint',
    caption:
      `Flows completed (with flow.complete) ÷ flows begun, for the ${TOP_ENTRYPOINTS} entrypoints with the most flows begun on ` +
      `${days(range)}; kpi_flow_outcomes_daily.`,
    type: 'bar',
    horizontal: true,
    labels: top.map((r) => r.entrypoint ?? NO_VALUE),
    datasets: [dataset('completion rate', rate, 'pct')],
    table: {
      columns: columns(['entrypoint', 'text'], ['flows begun', 'int'], ['flows completed', 'int'], ['completion rate', 'pct']),
      rows: top.map((r, i) => [r.entrypoint ?? NO_VALUE, r.flows_begun, r.flows_completed, rate[i]]),
    },
  };
}

function newAccountsChart(rows: OutcomeDayRow[], range: DayRange | null): ChartSpec {
  const labels = rows.map((r) => r.day);
  const created = rows.map((r) => r.flows_new_account);
  const verification = rows.map((r) => ratio(r.flows_verified, r.flows_new_account));
  const completion = rows.map((r) => ratio(r.flows_completed, r.flows_begun));
  return {
    id: 'new-accounts',
    title: 'New accounts and email verification',
    caption:
      `Flows with account.created per flow begin day (bars), and the share of them that also have account.verified (line); ` +
      `kpi_flow_outcomes_daily, ${days(range)}.`,
    type: 'bar',
    labels,
    datasets: [
      dataset('new accounts', created, 'int'),
      dataset('email verification rate', verification, 'pct', { type: 'line', axis: 'y2' }),
    ],
    table: {
      columns: columns(
        ['day', 'text'],
        ['flows begun', 'int'],
        ['flows completed', 'int'],
        ['completion rate', 'pct'],
        ['new accounts', 'int'],
        ['verified', 'int'],
        ['verification rate', 'pct'],
      ),
      rows: rows.map((r, i) => [
        r.day,
        r.flows_begun,
        r.flows_completed,
        completion[i],
        r.flows_new_account,
        r.flows_verified,
        verification[i],
      ]),
    },
  };
}

function errorsChart(rows: ErrorRow[], range: DayRange | null): ChartSpec {
  const top = topN(
    rows,
    TOP_ERRORS,
    (r) => r.abandoned_flows,
    (r) => r.error,
  );
  return {
    id: 'errors',
    title: 'Top errors in abandoned flows',
    caption:
      `Abandoned flows (no flow.complete) begun on ${days(range)} with each error event (route.*.<status>.<errno>, customs.blocked, ` +
      `email.*.bounced), the ${TOP_ERRORS} most frequent; kpi_flow_errors_daily.`,
    type: 'bar',
    horizontal: true,
    labels: top.map((r) => r.error),
    datasets: [
      dataset(
        'abandoned flows',
        top.map((r) => r.abandoned_flows),
        'int',
      ),
    ],
    table: {
      columns: columns(['error', 'text'], ['abandoned flows', 'int'], ['events', 'int']),
      rows: top.map((r) => [r.error, r.abandoned_flows, r.events]),
    },
  };
}

/** Every chart of the report, in page order. */
export function shapeReport(data: KpiData, range: DayRange | null): ChartSpec[] {
  // Without the data's first day, the first day shown (a conservative guess).
  const first = data.activityFrom ?? distinct(data.engagement.map((r) => r.day))[0] ?? null;
  return [
    engagementChart(data.engagement, range, first),
    dauMauChart(data.engagement, range, first),
    engagementByOsChart(data.engagement, range, first),
    multiDeviceChart(data.multiDevice, range, first),
    timeToConnectChart(data.timeToConnect, range),
    ...funnelCharts(data.funnelSteps, range),
    entrypointChart(data.entrypoints, range),
    newAccountsChart(data.outcomesByDay, range),
    errorsChart(data.errors, range),
  ];
}

/** True when a chart has no point to draw. */
export function isEmptyChart(c: ChartSpec): boolean {
  return c.labels.length === 0 || c.datasets.every((d) => d.data.every((v) => v === null));
}
