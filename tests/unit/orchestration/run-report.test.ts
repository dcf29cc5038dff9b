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
