import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbtBreakdown } from '../../../bench/lib/dbt-results.ts';
import { dayOfFile } from '../../../bench/lib/inputs.ts';

test('dbtBreakdown gives per-model times and counts tests, failed ones apart', () => {
  const b = dbtBreakdown({
    elapsed_time: 12.5,
    results: [
      {
        unique_id: 'model.fxa_metrics.flow_events',
        status: 'success',
        execution_time: 1.5,
        message: 'OK',
        failures: null,
        adapter_response: { rows_affected: 10 },
      },
      { unique_id: 'model.fxa_metrics.daily_multi_device_users', status: 'success', execution_time: 0.25, message: 'OK', failures: null },
      { unique_id: 'test.fxa_metrics.not_null_flow_events_uid.abc', status: 'pass', execution_time: 0.5, message: null, failures: 0 },
      { unique_id: 'test.fxa_metrics.unique_x.def', status: 'fail', execution_time: 0.25, message: null, failures: 3 },
      { unique_id: 'unit_test.fxa_metrics.stg.t', status: 'pass', execution_time: 1, message: null, failures: 0 },
      { unique_id: 'seed.fxa_metrics.s', status: 'success', execution_time: 9, message: null, failures: null },
    ],
  });
  assert.equal(b.elapsed, 12.5);
  assert.deepEqual(b.models, [
    { model: 'flow_events', status: 'success', seconds: 1.5, rows: 10 },
    { model: 'daily_multi_device_users', status: 'success', seconds: 0.25, rows: null },
  ]);
  assert.deepEqual(b.tests, { count: 3, failed: 1, seconds: 1.75 });
});

test('dayOfFile reads the day from a generated file name, null when there is none', () => {
  assert.equal(dayOfFile('fxa-auth-2024-03-31.log'), '2024-03-31');
  assert.equal(dayOfFile('2024-01-02/part-1.log.gz'), '2024-01-02');
  assert.equal(dayOfFile('auth.log'), null);
});
