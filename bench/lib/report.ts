// Turns results into the printed table (stage, median, min, max, rate, peak
// RSS, target, met?) and the list of target checks kept in the results file.
import type { SizeResult } from '../stages/size.ts';
import type { HistoryResult } from '../stages/history.ts';
import type { MultiDeviceResult } from '../stages/multi-device.ts';
import type { Summary } from './stats.ts';
import { maxOf } from './stats.ts';
import { nightlyLinesRead } from './nightly-report.ts';
import { fmtCount, fmtKb, fmtRatio, fmtSeconds } from './format.ts';
import { TARGETS, atLeast, atMost, below, isTrue, type TargetCheck } from './targets.ts';

export const HEADERS = ['stage', 'median', 'min', 'max', 'rate', 'peak RSS', 'target', 'met?'];

type Row = string[];

function timing(s: Summary | null): string[] {
  return [fmtSeconds(s?.median), fmtSeconds(s?.min), fmtSeconds(s?.max)];
}

export function row(stage: string, s: Summary | null, rate: string, rssKb: number | null, target = '', met = ''): Row {
  return [stage, ...timing(s), rate, fmtKb(rssKb), target, met];
}

/** Every process of a size, for the "< 4 GiB" target. */
export function sizePeakRssKb(r: SizeResult): number | null {
  return maxOf([r.load.peakRssKb, r.repeatLoad?.peakRssKb ?? null, r.build.peakRssKb, r.validate.peakRssKb, r.nightly.peakRssKb]);
}

export function sizeChecks(r: SizeResult): TargetCheck[] {
  const isL = r.size === 'L';
  const checks: TargetCheck[] = [
    {
      name: `${r.size} load lines/s`,
      value: r.load.linesPerSecond,
      target: `≥ ${fmtCount(TARGETS.loadLinesPerSecond)} lines/s`,
      met: atLeast(r.load.linesPerSecond, TARGETS.loadLinesPerSecond),
    },
    {
      name: `${r.size} load ÷ native read_json`,
      value: r.loadVsNative,
      target: `≥ ${TARGETS.loadVsNative}× native`,
      met: atLeast(r.loadVsNative, TARGETS.loadVsNative),
    },
    {
      name: `${r.size} nightly end to end s`,
      value: r.nightly.wall?.median ?? null,
      target: `L: ≤ ${TARGETS.lEndToEndSeconds} s`,
      met: isL ? atMost(r.nightly.wall?.median, TARGETS.lEndToEndSeconds) : 'n/a',
    },
    {
      name: `${r.size} peak RSS of every process KiB`,
      value: sizePeakRssKb(r),
      target: `L: < ${fmtKb(TARGETS.lPeakRssKb)}`,
      met: isL ? below(sizePeakRssKb(r), TARGETS.lPeakRssKb) : 'n/a',
    },
  ];
  return checks;
}

export function sizeRows(r: SizeResult): Row[] {
  const [rate, vsNative, e2e, rss] = sizeChecks(r);
  const rows: Row[] = [];
  const l = r.load;
  rows.push(
    row(
      `${r.size} load`,
      l.wall,
      `${fmtCount(l.linesPerSecond)} lines/s, ${l.mbPerSecond?.toFixed(0) ?? '—'} MB/s, ${fmtCount(l.linesPerCpuSecond)} lines/CPU-s (${fmtSeconds(l.cpu?.median)} CPU)`,
      l.peakRssKb,
      rate.target,
      rate.met,
    ),
  );
  const rl = r.repeatLoad;
  if (rl) {
    const what = rl.noop === null ? '' : rl.noop ? 'no-op: checksums only' : 'NOT a no-op';
    rows.push(
      row(
        `${r.size} repeat load (already loaded)`,
        rl.wall,
        `${what}, ${rl.mbPerSecond?.toFixed(0) ?? '—'} MB/s (${fmtSeconds(rl.cpu?.median)} CPU)`,
        rl.peakRssKb,
      ),
    );
  }
  if (r.native) {
    rows.push(
      row(
        `${r.size} native read_json → Parquet`,
        r.native.wall,
        `${fmtCount(r.native.linesPerSecond)} lines/s (query alone ${fmtSeconds(r.native.querySeconds?.median)})`,
        r.native.peakRssKb,
      ),
    );
    rows.push(row(`${r.size} load ÷ native`, null, fmtRatio(r.loadVsNative), null, vsNative.target, vsNative.met));
  }
  const tests = r.build.tests ? `, ${r.build.tests.count} tests (${r.build.tests.failed} failed)` : '';
  rows.push(row(`${r.size} dbt build`, r.build.wall, `${Object.keys(r.build.models).length} models${tests}`, r.build.peakRssKb));
  for (const [name, m] of Object.entries(r.build.models)) {
    rows.push(row(`${r.size} · model ${name}`, m, m.rows === null ? '' : `${fmtCount(m.rows)} rows`, null));
  }
  rows.push(
    row(`${r.size} validate`, r.validate.wall, r.validate.runs.some((x) => x.findings) ? 'findings (exit 3)' : '', r.validate.peakRssKb),
  );
  const lines = r.load.counts?.lines_read ?? r.input.lines;
  const nw = r.nightly.wall?.median;
  rows.push(
    row(
      `${r.size} nightly, end to end`,
      r.nightly.wall,
      nw ? `${fmtCount(lines / nw)} lines/s` : '',
      r.nightly.peakRssKb,
      e2e.target,
      e2e.met,
    ),
  );
  if (r.size === 'L') rows.push(row(`${r.size} every process`, null, '', sizePeakRssKb(r), rss.target, rss.met));
  return rows;
}

export function historyChecks(h: HistoryResult): TargetCheck[] {
  return [
    {
      name: 'nightly 90 days ÷ 7 days of history',
      value: h.ratio90to7,
      target: `≤ ${TARGETS.historyRatio}×`,
      met: atMost(h.ratio90to7, TARGETS.historyRatio),
    },
  ];
}

export function historyRows(h: HistoryResult): Row[] {
  const rows: Row[] = [];
  for (const [depth, d] of Object.entries(h.depths)) {
    const lines = nightlyLinesRead(d.report);
    rows.push(
      row(
        `nightly, 1 new day on ${depth} days of history`,
        d.wall,
        lines === null ? '' : `${fmtCount(lines)} lines in the new day`,
        d.peakRssKb,
      ),
    );
  }
  const [c] = historyChecks(h);
  rows.push(row('nightly 90 days ÷ 7 days', null, fmtRatio(h.ratio90to7), null, c.target, c.met));
  return rows;
}

export function multiDeviceChecks(md: MultiDeviceResult): TargetCheck[] {
  const base1 = md.baseline.oneDay?.median;
  const baseAll = md.baseline.allDays?.median;
  // Judged on the model's compiled SELECT, timed as the baseline is (CREATE
  // TABLE AS in the same warm process): see bench/README.md.
  const night = md.modelSelect?.oneNight?.median;
  const full = md.modelSelect?.allDays?.median;
  return [
    { name: 'multi-device rows equal the baseline', value: md.sameRows, target: 'same rows', met: isTrue(md.sameRows) },
    {
      name: 'multi-device one night ÷ baseline one day',
      value: night != null && base1 ? night / base1 : null,
      target: `≤ baseline one day (${fmtSeconds(base1)})`,
      met: atMost(night, base1),
    },
    {
      name: 'multi-device full build ÷ baseline all days',
      value: full != null && baseAll ? full / baseAll : null,
      target: `≤ ${TARGETS.backfillVsBaseline} × baseline all days (${fmtSeconds(baseAll == null ? null : baseAll * TARGETS.backfillVsBaseline)})`,
      met: atMost(full, baseAll == null ? null : baseAll * TARGETS.backfillVsBaseline),
    },
  ];
}

export function multiDeviceRows(md: MultiDeviceResult): Row[] {
  const [same, night, backfill] = multiDeviceChecks(md);
  const raw = md.baseline.raw;
  const select = md.modelSelect;
  // The model's two builds, each timed as a compiled SELECT (judged on) and inside dbt.
  const builds = [
    { name: 'one night', select: select?.oneNight, rows: select?.nightRows, dbt: md.ourNight, check: night },
    { name: 'full build', select: select?.allDays, rows: select?.allRows, dbt: md.ourBackfill, check: backfill },
  ];
  return [
    row(
      `multi-device baseline: self-join for ${md.day}`,
      md.baseline.oneDay,
      raw ? `${fmtCount(raw.oneDay.rows)} rows` : '',
      md.baseline.peakRssKb,
    ),
    row(
      `multi-device baseline: self-join, all ${raw?.days ?? '?'} days`,
      md.baseline.allDays,
      raw ? `${fmtCount(raw.allDays.rows)} rows from ${fmtCount(raw.inputRows)}` : '',
      md.baseline.peakRssKb,
    ),
    ...builds.map((b) =>
      row(
        `multi-device model SELECT: ${b.name}`,
        b.select ?? null,
        select ? `${fmtCount(b.rows)} rows, as the baseline` : '',
        md.baseline.peakRssKb,
        b.check.target,
        b.check.met,
      ),
    ),
    ...builds.map((b) =>
      row(`multi-device model in dbt: ${b.name}`, b.dbt.model, `dbt process ${fmtSeconds(b.dbt.wall?.median)}`, b.dbt.peakRssKb),
    ),
    row(
      'multi-device rows vs baseline',
      null,
      raw
        ? `one day ${raw.oneDay.baselineOnly}/${raw.oneDay.modelOnly}, all ${raw.allDays.baselineOnly}/${raw.allDays.modelOnly} rows only in baseline/model`
        : '',
      null,
      same.target,
      same.met,
    ),
  ];
}
