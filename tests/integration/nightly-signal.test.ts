// SIGTERM or SIGINT sent to the nightly's pid only (as `kill <pid>` and cron
// do, not to its process group): the run stops its dbt and waits for it,
// writes its report as "interrupted", and only then releases the lock. No
// dbt outlives the run, and the next run finishes the job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliDetached, feed, makeLogs, tempDir, untilDbtBuilds } from './nightly-helpers.ts';
import type { RunReport } from '../../scripts/orchestration/run-report.ts';

/** Processes whose environment names this data dir: the dbt processes of a run on it. */
function dbtProcesses(data: string): Array<{ pid: number; env: string[] }> {
  const out: Array<{ pid: number; env: string[] }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let env: string[];
    try {
      env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (env.includes(`FXA_DATA_DIR=${data}`)) out.push({ pid: Number(name), env });
  }
  return out;
}

const reports = (data: string) =>
  readdirSync(join(data, 'runs'))
    .filter((n) => /^\d{8}T\d{6}Z-[0-9a-f]{6}\.json$/.test(n))
    .sort()
    .map((n) => JSON.parse(readFileSync(join(data, 'runs', n), 'utf8')) as RunReport);

test('SIGTERM or SIGINT to the pid stops dbt before the lock is released; the report says interrupted', async () => {
  const { dir, cleanup } = tempDir('signal');
  try {
    const files = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 2, seed: 5 });
    const input = join(dir, 'input');
    feed(files, input);
    const data = join(dir, 'data');
    const args = ['nightly', '--input', input, '--data-dir', data, '--no-report'];
    for (const [signal, code] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const) {
      const run = cliDetached(args, { FXA_DBT_STOP_GRACE_SECONDS: '20' });
      let exited = false;
      void run.done.then(() => (exited = true));
      // a later run appends to dbt's log: look past what earlier runs wrote
      const offset = existsSync(join(data, 'dbt', 'logs', 'dbt.log'))
        ? readFileSync(join(data, 'dbt', 'logs', 'dbt.log'), 'utf8').length
        : 0;
      assert.ok(await untilDbtBuilds(data, () => exited, /model\.fxa_metrics\./, offset), 'dbt started building before the run ended');
      const dbt = dbtProcesses(data);
      assert.ok(dbt.length > 0, 'dbt runs');
      for (const p of dbt) assert.ok(!p.env.some((e) => e.startsWith('FXA_UID_HMAC_KEY=')), 'dbt does not get the uid key');

      process.kill(run.child.pid!, signal); // the pid only, not the group
      const r = await run.done;
      assert.equal(r.code, code, r.stderr);
      assert.deepEqual(dbtProcesses(data), [], `no dbt outlives the run (${signal})`);
      assert.ok(!existsSync(join(data, 'fxa-metrics.lock')), 'the lock is released');
      const last = reports(data).pop()!;
      assert.equal(last.status, 'interrupted');
      assert.equal(last.exitCode, code);
      assert.match(r.stderr, new RegExp(`^fxa-metrics: interrupted by ${signal}`, 'm'));
      assert.deepEqual(JSON.parse(readFileSync(join(data, 'runs', 'pending-days.json'), 'utf8')).days, ['2017-03-01', '2017-03-02']);
    }

    // The next run is not blocked by a dbt of the interrupted ones, and finishes the job.
    const next = cli([...args, '--json']);
    assert.equal(next.code, 0, next.stderr);
    const report = JSON.parse(next.stdout) as RunReport;
    assert.equal(report.status, 'ok');
    assert.deepEqual(report.build?.ranges, [{ from: '2017-03-01', to: '2017-03-02' }]);
    assert.ok(report.build!.dbt[0].models.length > 0, "this run's own dbt results");
  } finally {
    // on a failure, end the dbt this test started before removing its data dir
    for (const p of dbtProcesses(join(dir, 'data'))) process.kill(p.pid, 'SIGKILL');
    cleanup();
  }
});

test('a run killed with SIGKILL (pid only) leaves its dbt running: the next run stops that dbt before it takes the lock over', async () => {
  const { dir, cleanup } = tempDir('orphan');
  try {
    const files = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 2, seed: 6 });
    const input = join(dir, 'input');
    feed(files, input);
    const data = join(dir, 'data');
    const args = ['nightly', '--input', input, '--data-dir', data, '--no-report'];
    const run = cliDetached(args);
    let exited = false;
    void run.done.then(() => (exited = true));
    assert.ok(await untilDbtBuilds(data, () => exited), 'dbt started building before the run ended');
    process.kill(run.child.pid!, 'SIGKILL');
    await run.done;
    const orphans = dbtProcesses(data);
    assert.ok(orphans.length > 0, 'the dbt of the killed run still runs');
    assert.deepEqual(JSON.parse(readFileSync(join(data, 'fxa-metrics.lock'), 'utf8')).dbt.pid, orphans[0].pid, 'the lock names it');

    const next = cli([...args, '--json']);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, new RegExp(`stopping dbt pid ${orphans[0].pid}, left running by the run that held the lock`));
    assert.deepEqual(dbtProcesses(data), [], 'no dbt left');
    const report = JSON.parse(next.stdout) as RunReport;
    assert.equal(report.status, 'ok');
    assert.deepEqual(report.build?.ranges, [{ from: '2017-03-01', to: '2017-03-02' }]);
  } finally {
    for (const p of dbtProcesses(join(dir, 'data'))) process.kill(p.pid, 'SIGKILL');
    cleanup();
  }
});
