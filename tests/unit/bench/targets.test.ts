import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TARGETS, atLeast, atMost, below, isTrue } from '../../../bench/lib/targets.ts';

test('atLeast: the limit itself is met, below it is not, unknown is unmeasured', () => {
  assert.equal(atLeast(TARGETS.loadLinesPerSecond, TARGETS.loadLinesPerSecond), 'yes');
  assert.equal(atLeast(299_999, TARGETS.loadLinesPerSecond), 'NO');
  assert.equal(atLeast(null, 1), 'unmeasured');
});

test('atMost: the limit itself is met, above it is not; an unknown limit is unmeasured', () => {
  assert.equal(atMost(1.3, TARGETS.historyRatio), 'yes');
  assert.equal(atMost(1.31, TARGETS.historyRatio), 'NO');
  assert.equal(atMost(1, null), 'unmeasured');
  assert.equal(atMost(Number.NaN, 2), 'unmeasured');
});

test('below is strict: 4 GiB exactly is not under 4 GiB', () => {
  assert.equal(below(TARGETS.lPeakRssKb, TARGETS.lPeakRssKb), 'NO');
  assert.equal(below(TARGETS.lPeakRssKb - 1, TARGETS.lPeakRssKb), 'yes');
});

test('isTrue: equal rows met, a mismatch is NO, no comparison is unmeasured', () => {
  assert.equal(isTrue(true), 'yes');
  assert.equal(isTrue(false), 'NO');
  assert.equal(isTrue(null), 'unmeasured');
});
