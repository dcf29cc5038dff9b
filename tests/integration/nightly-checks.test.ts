// Exit codes from real causes that need dbt — 3 for a failing dbt test, 1 for
// a model that fails — and `validate` against a deliberately altered copy
// of a real warehouse (dropped column, wrong type, bad uid, extra column,
// missing table).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { cli, feed, makeLogs, MART_TABLES, tempDir } from './nightly-helpers.ts';
import type { RunReport } from '../../scripts/orchestration/run-report.ts';
import type { ValidationResult } from '../../scripts/orchestration/validate.ts';

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function withDuckDb(path: string, fn: (run: (sql: string) => Promise<void>) => Promise<void>): Promise<void> {
  const db = await DuckDBInstance.create(path);
  const c = await db.connect();
  try {
    await fn(async (sql) => void (await c.run(sql)));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

test('validate, a failing dbt test (exit 3) and a failing model (exit 1)', async () => {
  const { dir, cleanup } = tempDir('checks');
  try {
    const files = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 2, seed: 5 });
    const input = join(dir, 'input');
    feed(files, input);
    const data = join(dir, 'data');
    const built = cli(['nightly', '--input', input, '--data-dir', data]);
    assert.equal(built.code, 0, built.stderr);

    // validate: the real warehouse matches every contract.
    const ok = cli(['validate', '--data-dir', data, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const okResult = JSON.parse(ok.stdout) as ValidationResult;
    assert.deepEqual(okResult.findings, []);
    assert.deepEqual(okResult.tables.map((t) => t.table).sort(), [...MART_TABLES].sort(), 'every published table, the KPI marts too');
    assert.ok(okResult.tables.every((t) => t.sampledRows > 0));

    // validate: an altered copy.
    const altered = join(dir, 'altered');
    mkdirSync(altered);
    copyFileSync(join(data, 'warehouse.duckdb'), join(altered, 'warehouse.duckdb'));
    await withDuckDb(join(altered, 'warehouse.duckdb'), async (run) => {
      await run('alter table main.flow_events drop column locale');
      await run('alter table main.flow_metadata alter column duration type varchar');
      await run(`update main.activity_events set uid = 'NOT-A-HMAC-' || uid`);
      await run('alter table main.flow_experiments add column note varchar');
      await run('drop table main.daily_multi_device_users');
    });
    const bad = cli(['validate', '--data-dir', altered, '--json']);
    assert.equal(bad.code, 3, bad.stderr);
    const findings = (JSON.parse(bad.stdout) as ValidationResult).findings;
    const has = (table: string, column: string | null, kind: string) =>
      findings.find((f) => f.table === table && f.column === column && f.kind === kind);
    assert.ok(has('flow_events', 'locale', 'missing_column'), JSON.stringify(findings));
    assert.ok(has('flow_metadata', 'duration', 'type'));
    assert.ok(has('flow_experiments', 'note', 'extra_column'));
    assert.ok(has('daily_multi_device_users', null, 'missing_table'));
    const uid = has('activity_events', 'uid', 'row');
    assert.ok(uid, 'bad uid found in the sampled rows');
    assert.equal(uid.example, '"NOT-…"', 'the offending value is cut to its first characters');
    assert.ok(!has('flow_metadata', 'duration', 'row'), 'a mistyped column is reported once, not per row');
    assert.equal(findings.length, 5, JSON.stringify(findings, null, 1));
    assert.match(bad.stderr, /missing_column: flow_events\.locale is missing/);

    // exit 1: a model fails (a raw file whose event time is not a number).
    const broken = join(dir, 'broken');
    cpSync(join(data, 'raw'), join(broken, 'raw'), { recursive: true });
    const flowDay = join(broken, 'raw', 'flow_events', 'day=2017-03-01');
    const flowFile = join(
      flowDay,
      readdirSync(flowDay).find((f) => f.endsWith('.parquet'))!,
    );
    await withDuckDb(':memory:', (run) =>
      run(`copy (select * replace ('not a time' as time_ms) from read_parquet(${sqlString(flowFile)}) limit 1)
            to ${sqlString(join(flowDay, 'zz-corrupt.parquet'))} (format parquet)`),
    );
    const crash = cli(['build', '--from', '2017-03-01', '--to', '2017-03-01', '--data-dir', broken, '--json']);
    assert.equal(crash.code, 1, crash.stderr);
    const crashReport = JSON.parse(crash.stdout) as RunReport;
    assert.equal(crashReport.status, 'dbt_failed');
    assert.match(crashReport.problems.join('\n'), /dbt (stg_flow_events|flow_events): error/);

    // exit 3: a row in the raw zone that breaks a dbt test (a uid that is no HMAC).
    const day = join(data, 'raw', 'activity_events', 'day=2017-03-01');
    const source = join(
      day,
      readdirSync(day).find((f) => f.endsWith('.parquet'))!,
    );
    await withDuckDb(':memory:', (run) =>
      run(`copy (select * replace ('not-a-hmac' as uid, time_ms + 1 as time_ms) from read_parquet(${sqlString(source)}) limit 1)
            to ${sqlString(join(day, 'zz-corrupt.parquet'))} (format parquet)`),
    );
    // (as a backfill in one-day chunks: it stops after the first chunk that does not build)
    const failing = cli(['backfill', '--from', '2017-03-01', '--to', '2017-03-02', '--chunk-days', '1', '--data-dir', data, '--json']);
    assert.equal(failing.code, 3, failing.stderr);
    const fr = JSON.parse(failing.stdout) as RunReport;
    assert.match(failing.stderr, /chunk 1\/2: 2017-03-01\.\.2017-03-01/);
    assert.match(failing.stderr, /stopping: chunk 2017-03-01\.\.2017-03-01 did not build; 1 chunk\(s\) left/);
    assert.deepEqual(fr.build?.ranges, [{ from: '2017-03-01', to: '2017-03-01' }]);
    assert.equal(fr.status, 'data_checks_failed');
    const failed = fr.build!.dbt[0].tests.filter((t) => t.status === 'fail');
    assert.ok(
      failed.some((t) => /activity_events_uid/.test(t.name)),
      JSON.stringify(failed.map((t) => t.name)),
    );
    assert.ok(
      fr.build!.dbt[0].models.every((m) => m.status !== 'error'),
      'no model error: the data is wrong, not the SQL',
    );
    assert.match(failing.stderr, /problem: dbt test .*activity_events_uid/);
  } finally {
    cleanup();
  }
});
