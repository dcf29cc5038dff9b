// Runs that die at awkward points, and damaged run files, are finished by a
// plain rerun with no more work than needed: a build killed before its
// checks is validated and reported by the next run; a load killed before its
// commit makes the next run rebuild exactly that load's days; a damaged
// run state or load record does not block the data dir. The tables end as
// one uninterrupted build makes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertSameAsFullBuild, cli, feed, makeLogs, tempDir } from './nightly-helpers.ts';
import type { RunReport } from '../../scripts/orchestration/run-report.ts';

const state = (data: string) => JSON.parse(readFileSync(join(data, 'runs', 'pending-days.json'), 'utf8'));

test('killed after dbt, killed mid-load, damaged run state and load record: each rerun finishes with only the work needed', async () => {
  const { dir, cleanup } = tempDir('recovery');
  try {
    const [d1, d2, d3] = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 3, seed: 7 });
    const input = join(dir, 'input');
    feed([d1, d2], input);
    const data = join(dir, 'data');
    const args = ['nightly', '--input', input, '--data-dir', data, '--json'];

    // 1. Killed after dbt built, before the checks and the reports.
    const killed = cli(args, { FXA_TEST_KILL_AFTER_BUILD: '1' });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.deepEqual(state(data), { days: [], unvalidated: true });

    // The rerun has nothing to build, but validates and reports that build.
    let r = cli(args);
    assert.equal(r.code, 0, r.stderr);
    let report = JSON.parse(r.stdout) as RunReport;
    assert.equal(report.status, 'ok');
    assert.match(report.message, /validated the build an earlier run finished/);
    assert.equal(report.build, null, 'no dbt run');
    assert.ok(report.validation && report.validation.tables.length > 0, 'validated');
    assert.ok(report.tables && report.tables.flow_events > 0);
    assert.ok(report.kpiReport && existsSync(report.kpiReport), 'the KPI report is written');
    assert.deepEqual(state(data), { days: [] });
    r = cli(args);
    assert.equal((JSON.parse(r.stdout) as RunReport).status, 'noop', 'then there is nothing left to do');

    // 2. A new day's load killed after moving its files, before its commit.
    feed([d3], input);
    const midLoad = cli(args, { FXA_LOADER_CRASH_AT: 'before-record' });
    assert.equal(midLoad.code, 137, midLoad.stderr);
    r = cli(args);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout) as RunReport;
    assert.deepEqual(report.build?.ranges, [{ from: '2017-03-03', to: '2017-03-03' }], "exactly the killed load's day, not every day");
    assert.equal(report.build?.mode, 'range');

    // 3. A damaged run state and a damaged committed load record.
    writeFileSync(join(data, 'runs', 'pending-days.json'), '{"days": ["2017-03-0');
    const loads = readdirSync(join(data, 'loads'))
      .filter((n) => n.endsWith('.json'))
      .sort();
    writeFileSync(join(data, 'loads', loads[0]), '{"load_id": "');
    r = cli(args);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout) as RunReport;
    assert.match(r.stderr, new RegExp(`pending-days\\.json is damaged .*rebuilding every day once`));
    assert.match(r.stderr, new RegExp(`load record .*${loads[0].replace('.', '\\.')} is damaged .*set aside`));
    assert.equal(report.build?.mode, 'full', 'which days were pending is unknown: every day');
    assert.ok(existsSync(join(data, 'loads', `${loads[0]}.damaged`)));
    assert.equal(report.load?.counts.loaded_flow_events, 0, "the set-aside load's files are read again, their rows already stored");

    // The same tables as one uninterrupted build.
    await assertSameAsFullBuild(input, data, join(dir, 'ref'));
  } finally {
    cleanup();
  }
});
