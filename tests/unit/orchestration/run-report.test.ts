import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newReport, newRunId, raise, reportJson } from '../../../scripts/orchestration/run-report.ts';
import { formatSummary } from '../../../scripts/orchestration/summary.ts';
import { registerSecret } from '../../../scripts/lib/secrets.ts';

test('run ids sort by start time and do not collide', () => {
  const a = newRunId(new Date('2017-03-01T02:30:00.123Z'));
  assert.match(a, /^20170301T023000Z-[0-9a-f]{6}$/);
  assert.notEqual(newRunId(new Date('2017-03-01T02:30:00Z')), newRunId(new Date('2017-03-01T02:30:00Z')));
});

test('a dbt failure outranks failed data checks, whatever the order', () => {
  const r = newReport('nightly', '/d', 'duckdb');
  raise(r, 3, 'too many rejected lines', 'data_checks_failed');
  assert.equal(r.exitCode, 3);
  assert.equal(r.status, 'data_checks_failed');
  raise(r, 1, 'dbt flow_metadata: error', 'failed');
  raise(r, 3, 'dbt test x: fail', 'data_checks_failed');
  assert.equal(r.exitCode, 1);
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.problems, ['too many rejected lines', 'dbt flow_metadata: error', 'dbt test x: fail']);
});

test('the summary names the run, its outcome and every problem; reports are redacted', () => {
  const r = newReport('nightly', '/d', 'duckdb');
  r.message = 'rebuilt 2017-03-01..2017-03-02';
  r.tables = { flow_events: 10 };
  raise(r, 3, 'contract: flow_events.uid must match pattern', 'data_checks_failed');
  const text = formatSummary(r, '/d/runs/x.json');
  assert.match(text, new RegExp(`^nightly ${r.runId}: data_checks_failed \\(exit 3\\) — rebuilt 2017-03-01\\.\\.2017-03-02`));
  assert.match(text, /rows: flow_events=10/);
  assert.match(text, /problem: contract: flow_events\.uid must match pattern/);
  assert.match(text, /report: \/d\/runs\/x\.json/);

  registerSecret('report-secret-value');
  r.problems.push('dbt said report-secret-value');
  assert.ok(!reportJson(r).includes('report-secret-value'));
});

test('a secret is redacted inside JSON too, where its quotes and backslashes come escaped', () => {
  const secret = 'key-with-"quote"-and-\\backslash';
  registerSecret(secret);
  const json = reportJson({ ...newReport('nightly', '/d', 'duckdb'), message: `saw ${secret} on 2017-03-01 in /data/2017/x.log` });
  assert.ok(!json.includes(JSON.stringify(secret).slice(1, -1)), json);
  assert.ok(!json.includes('quote'), json);
  assert.match(json, /on 2017-03-01 in \/data\/2017\/x\.log/);
});

test('raise: a thrown error outranks a dbt failure; a signal outranks everything', () => {
  const r = newReport('build', '/d', 'duckdb');
  raise(r, 1, 'dbt flow_metadata: error', 'dbt_failed');
  assert.deepEqual([r.exitCode, r.status], [1, 'dbt_failed']);
  raise(r, 3, 'dbt test x: fail', 'data_checks_failed');
  assert.deepEqual([r.exitCode, r.status], [1, 'dbt_failed'], 'failed checks never hide a dbt failure');
  raise(r, 2, 'cannot read profiles.yml', 'failed');
  assert.deepEqual([r.exitCode, r.status], [2, 'failed']);
  raise(r, 130, 'interrupted by SIGINT', 'interrupted');
  assert.deepEqual([r.exitCode, r.status], [130, 'interrupted']);
  raise(r, 1, 'run report not written: no space left on device');
  assert.deepEqual([r.exitCode, r.status], [130, 'interrupted'], 'a late problem keeps the signal exit code');
  assert.equal(r.problems.length, 5);
});

test("raise: a problem after the run's work fails an ok run and keeps an earlier failure's status", () => {
  const ok = newReport('nightly', '/d', 'duckdb');
  raise(ok, 1, 'KPI report not written: x');
  assert.deepEqual([ok.exitCode, ok.status], [1, 'failed']);

  const checks = newReport('nightly', '/d', 'duckdb');
  raise(checks, 3, 'contract: x', 'data_checks_failed');
  raise(checks, 1, 'KPI report not written: x');
  assert.deepEqual([checks.exitCode, checks.status], [1, 'data_checks_failed']);

  const noop = newReport('nightly', '/d', 'duckdb');
  noop.status = 'noop';
  raise(noop, 1, 'run report not written: x');
  assert.deepEqual([noop.exitCode, noop.status], [1, 'failed']);
});
