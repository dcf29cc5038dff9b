// The data dir's lock and the exit codes that need no dbt run: 4 (locked),
// stale lock taken over, 2 (usage/config), 3 (too many rejected lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireLock, processIdentity } from '../../scripts/orchestration/lock.ts';
import { cli, makeLogs, tempDir, TEST_KEY } from './nightly-helpers.ts';
import type { RunReport } from '../../scripts/orchestration/run-report.ts';

/** A pid that surely does not run: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('a second run on a locked data dir exits 4 naming the holder; after release it runs', () => {
  const { dir, cleanup } = tempDir('lock');
  try {
    const input = join(dir, 'input');
    mkdirSync(input);
    const data = join(dir, 'data');
    const lock = acquireLock(data, 'test');
    let r = cli(['nightly', '--input', input, '--data-dir', data]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, new RegExp(`^fxa-metrics: data dir .* is locked by pid ${process.pid} on .* since `));
    r = cli(['build', '--full-refresh', '--data-dir', data]);
    assert.equal(r.code, 4, 'build takes the same lock');
    r = cli(['backfill', '--from', '2017-03-01', '--to', '2017-03-02', '--data-dir', data]);
    assert.equal(r.code, 4, 'backfill takes the same lock');
    r = cli(['load', input, '--data-dir', data]);
    assert.equal(r.code, 4, 'load takes the same lock');
    lock.release();
    assert.ok(!existsSync(join(data, 'fxa-metrics.lock')));

    r = cli(['nightly', '--input', input, '--data-dir', data, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as RunReport;
    assert.equal(report.status, 'noop');
    assert.ok(existsSync(join(data, 'runs', `${report.runId}.json`)), 'a no-op run still writes its report');
    assert.ok(!existsSync(join(data, 'fxa-metrics.lock')), 'the lock is released at the end');
  } finally {
    cleanup();
  }
});

test('a stale lock (dead pid, or a pid reused by another process) is taken over with a warning; a live one, or one on another host, is not', () => {
  const { dir, cleanup } = tempDir('stale');
  try {
    const input = join(dir, 'input');
    mkdirSync(input);
    const data = join(dir, 'data');
    mkdirSync(data);
    const lockFile = join(data, 'fxa-metrics.lock');
    const pid = deadPid();
    writeFileSync(lockFile, JSON.stringify({ pid, host: hostname(), started: '2017-03-01T00:00:00.000Z', command: 'nightly' }));
    let r = cli(['nightly', '--input', input, '--data-dir', data]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /stale lock/);
    assert.ok(!existsSync(lockFile));

    // A pid on another machine cannot be checked: the lock holds.
    const lock = (owner: Record<string, unknown>) =>
      writeFileSync(lockFile, JSON.stringify({ pid, host: hostname(), started: '2017-03-01T00:00:00.000Z', command: 'nightly', ...owner }));
    lock({ host: `${hostname()}-other` });
    r = cli(['nightly', '--input', input, '--data-dir', data]);
    assert.equal(r.code, 4, r.stderr);
    assert.ok(existsSync(lockFile), 'a lock the run did not take is left alone');

    // A live pid (this test's) recorded with another process start: the pid was reused, the lock is stale.
    const identity = processIdentity(process.pid);
    assert.ok(identity, 'this Linux host tells process start times');
    const [boot, ticks] = identity.split(':');
    lock({ pid: process.pid, process: `${boot}:${Number(ticks) + 1}` });
    r = cli(['nightly', '--input', input, '--data-dir', data]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /taking over stale lock/);
    assert.ok(!existsSync(lockFile));
    // The same pid with its own start: the owner runs, the lock holds.
    lock({ pid: process.pid, process: identity });
    assert.equal(cli(['nightly', '--input', input, '--data-dir', data]).code, 4);
  } finally {
    cleanup();
  }
});

const DBX_TOKEN = 'dapi-test-token-7c1e';

test('usage and configuration errors exit 2 with one line on stderr, before anything is written', () => {
  const { dir, cleanup } = tempDir('usage');
  try {
    const input = join(dir, 'input');
    mkdirSync(input);
    const data = join(dir, 'data');
    const cases: Array<[string[], Record<string, string | undefined>, RegExp]> = [
      [['nightly', '--input', input, '--data-dir', data], { FXA_UID_HMAC_KEY: undefined }, /no uid HMAC key/],
      [['nightly', '--input', join(dir, 'nope'), '--data-dir', data], {}, /--input .* is not a directory/],
      [['nightly', '--input', input, '--data-dir', data, '--date', '2017-02-30'], {}, /--date must be a date/],
      [['nightly', '--input', input, '--data-dir', data, '--max-reject-rate', 'lots'], {}, /--max-reject-rate must be/],
      [['nightly', '--input', input, '--data-dir', data, '--target', 'databricks'], { DATABRICKS_HOST: undefined }, /DATABRICKS_HOST/],
      [
        ['build', '--full-refresh', '--data-dir', data, '--target', 'databricks'],
        {
          DATABRICKS_HOST: 'dbc.example',
          DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/x',
          DATABRICKS_TOKEN: DBX_TOKEN,
          DATABRICKS_VOLUME_PATH: undefined,
        },
        /DATABRICKS_VOLUME_PATH/,
      ],
      [['build', '--data-dir', data], {}, /give --from and --to, or --full-refresh/],
      [['backfill', '--from', '2017-03-05', '--to', '2017-03-01', '--data-dir', data], {}, /--from 2017-03-05 is after --to/],
      [['backfill', '--from', '2017-03-01', '--to', '2017-03-05', '--chunk-days', '0', '--data-dir', data], {}, /--chunk-days must be/],
    ];
    for (const [args, env, message] of cases) {
      const r = cli(args, env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.match(r.stderr, /^fxa-metrics: /);
      assert.ok(!r.stderr.includes(DBX_TOKEN) && !r.stderr.includes(TEST_KEY), 'no secret in the message');
    }
    assert.ok(!existsSync(data), 'nothing was written');
    // A flag commander itself rejects is a usage error too.
    assert.equal(cli(['nightly', '--input', input, '--data-dir', data, '--log-format', 'xml']).code, 2);
  } finally {
    cleanup();
  }
});

test('rejected lines above --max-reject-rate exit 3; at or below it the run is ok', () => {
  const { dir, cleanup } = tempDir('reject');
  try {
    const input = join(dir, 'input');
    mkdirSync(input);
    // Three broken lines and one normal log line (skipped): 3 of 4 lines rejected.
    writeFileSync(
      join(input, 'bad.log'),
      [
        'not json at all',
        '{"Type":"flowEvent","Timestamp":1,"Fields":{"event":"flow.begin","flow_id":"xyz","flow_time":0,"time":1}}',
        `{"Type":"activityEvent","Timestamp":1,"Fields":{"event":"account.login","uid":"${TEST_KEY}"}}`,
        '{"Type":"log","Timestamp":1,"Fields":{"msg":"noise"}}',
      ].join('\n') + '\n',
    );
    const over = cli(['nightly', '--input', input, '--data-dir', join(dir, 'a'), '--json']);
    assert.equal(over.code, 3, over.stderr);
    const r = JSON.parse(over.stdout) as RunReport;
    assert.equal(r.status, 'data_checks_failed');
    assert.equal(r.load?.counts.rejected, 3);
    assert.equal(r.load?.counts.lines_read, 4);
    assert.match(r.problems.join('\n'), /3 of 4 lines rejected \(75\.00% > --max-reject-rate 1\.00%\)/);
    assert.match(over.stderr, /problem: 3 of 4 lines rejected/);

    const within = cli(['nightly', '--input', input, '--data-dir', join(dir, 'b'), '--max-reject-rate', '0.75']);
    assert.equal(within.code, 0, within.stderr);

    for (const out of [over.stdout, over.stderr, within.stderr]) assert.ok(!out.includes(TEST_KEY));
    const reportFile = join(dir, 'a', 'runs', `${r.runId}.json`);
    assert.ok(!readFileSync(reportFile, 'utf8').includes(TEST_KEY));
  } finally {
    cleanup();
  }
});

test('a standalone load leaves its days pending for the next nightly run', async () => {
  const { dir, cleanup } = tempDir('load-pending');
  try {
    const files = await makeLogs(join(dir, 'logs'), { start: '2017-03-04', days: 1, users: 20 });
    const data = join(dir, 'data');
    const r = cli(['load', ...files, '--data-dir', data]);
    assert.equal(r.code, 0, r.stderr);
    const pending = JSON.parse(readFileSync(join(data, 'runs', 'pending-days.json'), 'utf8'));
    assert.deepEqual(pending, { days: ['2017-03-04'] });
    assert.ok(!existsSync(join(data, 'fxa-metrics.lock')));
  } finally {
    cleanup();
  }
});
