// A nightly run that dies — right after its load (test hook), then again in
// the middle of dbt (the whole process group SIGKILLed) — is finished by
// simply running it again, with the same tables as an uninterrupted build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli, cliDetached, compareWarehouses, feed, makeLogs, tempDir } from './nightly-helpers.ts';
import type { RunReport } from '../../scripts/orchestration/run-report.ts';

const pendingDays = (data: string) => JSON.parse(readFileSync(join(data, 'runs', 'pending-days.json'), 'utf8')).days as string[];

/** Waits until dbt has started building a model of the incremental layer. */
async function untilDbtBuilds(data: string, exited: () => boolean): Promise<boolean> {
  const logFile = join(data, 'dbt', 'logs', 'dbt.log');
  while (!exited()) {
    if (existsSync(logFile) && /Began running node model\.fxa_metrics\.(flow|activity)_events/.test(readFileSync(logFile, 'utf8')))
      return true;
    await sleep(100);
  }
  return false;
}

test('a run killed after loading and one killed during dbt are finished by the next run', async () => {
  const { dir, cleanup } = tempDir('kill');
  try {
    const files = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 2, seed: 3 });
    const input = join(dir, 'input');
    feed(files, input);
    const data = join(dir, 'data');
    const args = ['nightly', '--input', input, '--data-dir', data, '--log-format', 'json'];

    // 1. Dies between load and dbt: the files are loaded, their days pending, the lock left behind.
    const first = cli(args, { FXA_TEST_KILL_AFTER_LOAD: '1' });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    assert.deepEqual(pendingDays(data), ['2017-03-01', '2017-03-02']);
    assert.ok(existsSync(join(data, 'fxa-metrics.lock')));

    // 2. Nothing new to load, but the pending days are built; killed while dbt runs.
    const second = cliDetached(args);
    let exited = false;
    void second.done.then(() => (exited = true));
    const started = await untilDbtBuilds(data, () => exited);
    assert.ok(started, 'dbt started building before the run ended');
    process.kill(-second.child.pid!, 'SIGKILL');
    const killed = await second.done;
    assert.equal(killed.signal, 'SIGKILL');
    assert.match(killed.stderr, /taking over stale lock/);
    assert.deepEqual(pendingDays(data), ['2017-03-01', '2017-03-02'], 'days stay pending until a build succeeds');

    // 3. Simply run again.
    const third = cli([...args, '--json']);
    assert.equal(third.code, 0, third.stderr);
    const report = JSON.parse(third.stdout) as RunReport;
    assert.equal(
      report.load?.files.every((f) => f.status === 'already_loaded'),
      true,
      'nothing is loaded twice',
    );
    assert.deepEqual(report.build?.ranges, [{ from: '2017-03-01', to: '2017-03-02' }]);
    assert.deepEqual(pendingDays(data), []);
    assert.ok(!existsSync(join(data, 'fxa-metrics.lock')));

    // The same tables as one uninterrupted full build.
    const ref = join(dir, 'ref');
    assert.equal(cli(['load', input, '--data-dir', ref]).code, 0);
    const full = cli(['build', '--full-refresh', '--data-dir', ref]);
    assert.equal(full.code, 0, full.stderr);
    for (const d of await compareWarehouses(join(data, 'warehouse.duckdb'), join(ref, 'warehouse.duckdb'))) {
      assert.ok(d.rightRows > 0, `${d.table} is empty`);
      assert.deepEqual(d, { ...d, leftRows: d.rightRows, onlyLeft: 0, onlyRight: 0 }, `${d.table} differs`);
    }
  } finally {
    cleanup();
  }
});
