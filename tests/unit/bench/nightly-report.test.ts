import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nightlyLinesRead, nightlySummary } from '../../../bench/lib/nightly-report.ts';

test('nightlySummary keeps outcome, load counts and per-model dbt times, drops the rest', () => {
  const s = nightlySummary({
    status: 'ok',
    exitCode: 0,
    message: 'rebuilt 2024-03-01..2024-03-01',
    load: { files: [{ path: 'a.log' }], counts: { lines_read: 42, rejected: 1 } },
    build: {
      days: ['2024-03-01'],
      dbt: [{ elapsedSeconds: 9.5, models: [{ name: 'flow_events', seconds: 1.25, rows: null }], tests: [{ name: 't' }] }],
    },
  });
  assert.deepEqual(s, {
    status: 'ok',
    exitCode: 0,
    message: 'rebuilt 2024-03-01..2024-03-01',
    loadCounts: { lines_read: 42, rejected: 1 },
    days: ['2024-03-01'],
    dbt: [{ elapsedSeconds: 9.5, models: [{ name: 'flow_events', seconds: 1.25 }] }],
  });
  assert.equal(nightlyLinesRead(s), 42);
});

test('nightlySummary of something that is not a report is null; missing parts are null', () => {
  assert.equal(nightlySummary(null), null);
  assert.equal(nightlySummary([1, 2]), null);
  const s = nightlySummary({ status: 'failed' });
  assert.deepEqual(s, { status: 'failed', exitCode: null, message: null, loadCounts: null, days: null, dbt: [] });
  assert.equal(nightlyLinesRead(s), null);
});
