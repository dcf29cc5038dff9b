import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDayRangeFlags as parseRangeFlags } from '../../../scripts/lib/days.ts';
import { resolveRange } from '../../../scripts/kpi-report/range.ts';
import { CliError } from '../../../scripts/lib/errors.ts';

const data = { from: '2017-03-01', to: '2017-03-07' };
const usage = (re: RegExp) => (e: unknown) => e instanceof CliError && e.exitCode === 2 && re.test(e.message);

test('--from/--to: real days, from ≤ to', () => {
  assert.deepEqual(parseRangeFlags({}), { from: undefined, to: undefined });
  assert.deepEqual(parseRangeFlags({ from: '2017-03-02', to: '2017-03-02' }), { from: '2017-03-02', to: '2017-03-02' });
  assert.throws(() => parseRangeFlags({ from: '2017-3-2' }), usage(/--from must be a date YYYY-MM-DD, got '2017-3-2'/));
  assert.throws(() => parseRangeFlags({ to: '2017-02-30' }), usage(/--to must be a date/));
  assert.throws(() => parseRangeFlags({ from: '2017-03-03', to: '2017-03-02' }), usage(/--from 2017-03-03 is after --to 2017-03-02/));
});

test('default range: the days in the KPI tables; none when they are empty', () => {
  assert.deepEqual(resolveRange({}, data), data);
  assert.equal(resolveRange({}, null), null);
});

test('one flag: the other end comes from the data', () => {
  assert.deepEqual(resolveRange({ from: '2017-03-03' }, data), { from: '2017-03-03', to: '2017-03-07' });
  assert.deepEqual(resolveRange({ to: '2017-03-03' }, data), { from: '2017-03-01', to: '2017-03-03' });
  assert.deepEqual(resolveRange({ to: '2017-03-03' }, null), { from: '2017-03-03', to: '2017-03-03' });
});

test('a flag beyond the data gives a range of that day, not a reversed one', () => {
  assert.deepEqual(resolveRange({ from: '2018-01-01' }, data), { from: '2018-01-01', to: '2018-01-01' });
  assert.deepEqual(resolveRange({ to: '2016-01-01' }, data), { from: '2016-01-01', to: '2016-01-01' });
  assert.deepEqual(resolveRange({ from: '2018-01-01', to: '2018-02-01' }, data), { from: '2018-01-01', to: '2018-02-01' });
});
