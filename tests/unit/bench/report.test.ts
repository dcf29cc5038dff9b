import { test } from 'node:test';
import assert from 'node:assert/strict';
import { multiDeviceChecks, sizeChecks } from '../../../bench/lib/report.ts';
import type { SizeResult } from '../../../bench/stages/size.ts';
import type { MultiDeviceResult } from '../../../bench/stages/multi-device.ts';

const s = (median: number) => ({ median, min: median, max: median, n: 1 });

function sizeResult(size: 'S' | 'L', over: Partial<SizeResult> = {}): SizeResult {
  const stage = { runs: [], wall: s(100), cpu: s(150), peakRssKb: 1024 * 1024, failed: 0 };
  return {
    size,
    runs: 1,
    load: { ...stage, linesPerSecond: 350_000, mbPerSecond: 150, linesPerCpuSecond: 200_000, counts: null },
    loadVsNative: 0.4,
    build: { ...stage, models: {}, tests: null },
    validate: stage,
    nightly: { ...stage, report: null },
    native: null,
    problems: [],
    notes: [],
    input: {} as SizeResult['input'],
    ...over,
  };
}

test('size checks: load rate met, native ratio missed, L-only targets n/a for S', () => {
  const c = Object.fromEntries(sizeChecks(sizeResult('S')).map((x) => [x.name, x.met]));
  assert.deepEqual(c, {
    'S load lines/s': 'yes',
    'S load ÷ native read_json': 'NO',
    'S nightly end to end s': 'n/a',
    'S peak RSS of every process KiB': 'n/a',
  });
});

test('size checks for L judge end to end time and peak RSS of every stage', () => {
  const big = sizeResult('L', { nightly: { runs: [], wall: s(301), cpu: null, peakRssKb: 5 * 1024 * 1024, failed: 0, report: null } });
  const c = Object.fromEntries(sizeChecks(big).map((x) => [x.name, x.met]));
  assert.equal(c['L nightly end to end s'], 'NO');
  assert.equal(c['L peak RSS of every process KiB'], 'NO');
  const ok = Object.fromEntries(sizeChecks(sizeResult('L')).map((x) => [x.name, x.met]));
  assert.equal(ok['L nightly end to end s'], 'yes');
  assert.equal(ok['L peak RSS of every process KiB'], 'yes');
});

function md(over: Partial<MultiDeviceResult>): MultiDeviceResult {
  const stage = { runs: [], wall: s(3), cpu: null, peakRssKb: null, failed: 0 };
  return {
    day: '2024-03-30',
    lookback: 5,
    runs: 1,
    ourNight: { ...stage, model: s(0.5) },
    ourBackfill: { ...stage, model: s(4) },
    baseline: { ...stage, oneDay: s(0.8), allDays: s(10), raw: null },
    modelSelect: { oneNight: s(0.3), allDays: s(4), nightRows: 10, allRows: 100 },
    sameRows: true,
    problems: [],
    ...over,
  };
}

test('multi-device checks: faster than the baseline and same rows is met', () => {
  assert.deepEqual(
    multiDeviceChecks(md({})).map((c) => c.met),
    ['yes', 'yes', 'yes'],
  );
});

test('multi-device checks: a row mismatch or a slow model is NO; a missing baseline is unmeasured', () => {
  assert.deepEqual(
    multiDeviceChecks(md({ sameRows: false })).map((c) => c.met),
    ['NO', 'yes', 'yes'],
  );
  const slow = md({ modelSelect: { oneNight: s(0.9), allDays: s(6), nightRows: 10, allRows: 100 } });
  assert.deepEqual(
    multiDeviceChecks(slow).map((c) => c.met),
    ['yes', 'NO', 'NO'],
  );
  const none = md({
    sameRows: null,
    baseline: { runs: [], wall: null, cpu: null, peakRssKb: null, failed: 1, oneDay: null, allDays: null, raw: null },
  });
  assert.deepEqual(
    multiDeviceChecks(none).map((c) => c.met),
    ['unmeasured', 'unmeasured', 'unmeasured'],
  );
  assert.deepEqual(
    multiDeviceChecks(md({ modelSelect: null })).map((c) => c.met),
    ['yes', 'unmeasured', 'unmeasured'],
  );
});

test('multi-device checks judge the compiled SELECT, not the time dbt spends around it', () => {
  const dbtSlow = md({
    ourNight: { runs: [], wall: s(3), cpu: null, peakRssKb: null, failed: 0, model: s(2) },
    ourBackfill: { runs: [], wall: s(9), cpu: null, peakRssKb: null, failed: 0, model: s(8) },
  });
  assert.deepEqual(
    multiDeviceChecks(dbtSlow).map((c) => c.met),
    ['yes', 'yes', 'yes'],
  );
});
