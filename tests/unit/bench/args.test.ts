import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BenchUsageError, parseBenchArgs, runsFor } from '../../../bench/lib/args.ts';

test('defaults: sizes S and M, seed 1, 30000 lines a day of history, nothing skipped', () => {
  const o = parseBenchArgs([]);
  assert.deepEqual(o.sizes, ['S', 'M']);
  assert.equal(o.runs, null);
  assert.equal(o.seed, 1);
  assert.equal(o.historyLinesPerDay, 30_000);
  assert.equal(o.skip.size, 0);
});

test('--size is repeatable and comma-separated, case-insensitive, without duplicates', () => {
  assert.deepEqual(parseBenchArgs(['--size', 'l', '--size', 'S,L']).sizes, ['L', 'S']);
});

test('an unknown size, flag, part or a bad number is a usage error', () => {
  assert.throws(() => parseBenchArgs(['--size', 'XL']), BenchUsageError);
  assert.throws(() => parseBenchArgs(['--fast']), BenchUsageError);
  assert.throws(() => parseBenchArgs(['--skip', 'load']), BenchUsageError);
  assert.throws(() => parseBenchArgs(['--runs', '0']), BenchUsageError);
  assert.throws(() => parseBenchArgs(['--runs', '2.5']), BenchUsageError);
  assert.throws(() => parseBenchArgs(['--history-lines-per-day', 'many']), BenchUsageError);
});

test('runs: 3 for S and history, 1 for M and L, unless --runs says otherwise', () => {
  const d = parseBenchArgs([]);
  assert.equal(runsFor('S', d), 3);
  assert.equal(runsFor('history', d), 3);
  assert.equal(runsFor('M', d), 1);
  assert.equal(runsFor('L', d), 1);
  const five = parseBenchArgs(['--runs', '5']);
  assert.equal(runsFor('M', five), 5);
});

test('--skip takes the named parts', () => {
  const o = parseBenchArgs(['--skip', 'native,history', '--skip', 'multi-device']);
  assert.deepEqual([...o.skip].sort(), ['history', 'multi-device', 'native']);
});
