import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxOf, median, summarize } from '../../../bench/lib/stats.ts';

test('median of an odd count is the middle value, whatever the order', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([7]), 7);
});

test('median of an even count is the mean of the middle two', () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('median of nothing is an error, not NaN', () => {
  assert.throws(() => median([]), /no values/);
});

test('summarize ignores missing values and gives median, min, max and count', () => {
  assert.deepEqual(summarize([2, null, 9, undefined, 4, Number.NaN]), { median: 4, min: 2, max: 9, n: 3 });
  assert.equal(summarize([null, undefined]), null);
});

test('maxOf takes the largest known value, null when none is known', () => {
  assert.equal(maxOf([null, 10, 3]), 10);
  assert.equal(maxOf([null]), null);
});
