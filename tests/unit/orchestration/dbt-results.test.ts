import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelsBuilt, summariseDbt } from '../../../scripts/orchestration/dbt-results.ts';
import type { DbtRun, RunResults } from '../../../scripts/lib/dbt.ts';

const result = (unique_id: string, status: string, extra: Partial<RunResults['results'][number]> = {}) => ({
  unique_id,
  status,
  execution_time: 0.5,
  message: null,
  failures: null,
  ...extra,
});

const run = (exitCode: number, results: RunResults['results'] | null, stdout = ''): DbtRun => ({
  exitCode,
  stdout,
  stderr: '',
  runResults: results ? { results, elapsed_time: 3 } : null,
});

test('a clean build: every model built, no failures', () => {
  const s = summariseDbt(
    run(0, [result('model.p.flow_events', 'success', { adapter_response: { rows_affected: 12 } }), result('test.p.not_null_x', 'pass')]),
  );
  assert.equal(s.models[0].name, 'flow_events');
  assert.equal(s.models[0].rows, 12);
  assert.equal(s.tests.length, 1);
  assert.equal(s.crashed, false);
  assert.ok(modelsBuilt(s));
});

test('failing data and unit tests are test failures, not model errors', () => {
  const s = summariseDbt(
    run(1, [
      result('model.p.a', 'success'),
      result('test.p.matches_pattern_a_uid', 'fail', { failures: 3 }),
      result('unit_test.p.a.window', 'fail'),
      result('test.p.broken_test', 'error'),
      result('model.p.b', 'skipped'),
      result('test.p.warn_only', 'warn'),
    ]),
  );
  assert.deepEqual(
    s.testFailures.map((t) => t.unique_id),
    ['test.p.matches_pattern_a_uid', 'unit_test.p.a.window', 'test.p.broken_test'],
  );
  assert.deepEqual(s.nodeErrors, []);
  assert.deepEqual(
    s.skipped.map((m) => m.name),
    ['b'],
  );
  assert.equal(s.crashed, false);
  assert.equal(modelsBuilt(s), false, 'a skipped model means the days are not done');
});

test('a model error is a node error; dbt failing without results is a crash', () => {
  const s = summariseDbt(run(1, [result('model.p.a', 'error', { message: 'Binder Error' })]));
  assert.equal(s.nodeErrors.length, 1);
  assert.equal(s.crashed, false);
  const crash = summariseDbt(run(2, null, '\x1b[31mRuntime Error\x1b[0m\n  Could not open database\n'));
  assert.equal(crash.crashed, true);
  assert.equal(crash.errorTail, 'Runtime Error\n  Could not open database');
  assert.equal(modelsBuilt(crash), false);
});
