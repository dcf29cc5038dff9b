import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, chunkRange, coveringRange, isDay, parseDayFlag } from '../../../scripts/lib/days.ts';
import { CliError } from '../../../scripts/lib/errors.ts';

test('isDay accepts real dates only', () => {
  assert.ok(isDay('2017-03-01'));
  assert.ok(isDay('2016-02-29'));
  assert.ok(!isDay('2017-02-29'));
  assert.ok(!isDay('2017-3-1'));
  assert.ok(!isDay('2017-03-01T00:00:00Z'));
});

test('parseDayFlag: a bad day is a usage error naming the flag', () => {
  assert.equal(parseDayFlag('--date', undefined), undefined);
  assert.equal(parseDayFlag('--date', '2017-03-01'), '2017-03-01');
  assert.throws(
    () => parseDayFlag('--from', '2017-13-01'),
    (e: CliError) => e.exitCode === 2 && /--from must be a date/.test(e.message),
  );
});

test('addDays crosses months and years', () => {
  assert.equal(addDays('2017-02-28', 1), '2017-03-01');
  assert.equal(addDays('2016-12-31', 1), '2017-01-01');
  assert.equal(addDays('2017-03-01', -1), '2017-02-28');
});

test('coveringRange: one contiguous range; a late early day widens it', () => {
  assert.equal(coveringRange([]), null);
  assert.deepEqual(coveringRange(['2017-03-03']), { from: '2017-03-03', to: '2017-03-03' });
  assert.deepEqual(coveringRange(['2017-03-05', '2017-03-01', '2017-03-05']), { from: '2017-03-01', to: '2017-03-05' });
});

test('chunkRange splits into bounded chunks, oldest first, the last one short', () => {
  assert.deepEqual(chunkRange({ from: '2017-03-01', to: '2017-03-10' }, 4), [
    { from: '2017-03-01', to: '2017-03-04' },
    { from: '2017-03-05', to: '2017-03-08' },
    { from: '2017-03-09', to: '2017-03-10' },
  ]);
  assert.deepEqual(chunkRange({ from: '2017-03-01', to: '2017-03-01' }, 7), [{ from: '2017-03-01', to: '2017-03-01' }]);
  assert.throws(() => chunkRange({ from: '2017-03-01', to: '2017-03-02' }, 0), /--chunk-days/);
  assert.throws(() => chunkRange({ from: '2017-03-02', to: '2017-03-01' }, 1), /after/);
});
