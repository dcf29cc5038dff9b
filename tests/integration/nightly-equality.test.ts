// Nightly runs over several nights — one night at a time, a late file for an
// earlier day, a repeated night — end with the same tables as one full build
// of all the files. Also: nothing new → no-op; the HMAC key appears nowhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, compareWarehouses, feed, makeLogs, tempDir, TEST_KEY } from './nightly-helpers.ts';
import type { RunReport } from '../../scripts/orchestration/run-report.ts';

function allFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

test('nightly over several nights equals one full build', async () => {
  const { dir, cleanup } = tempDir('nightly-eq');
  try {
    const [d1, d2, d3] = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 3 });
    const input = join(dir, 'input');
    const data = join(dir, 'data');
    const night = (...extra: string[]) => cli(['nightly', '--input', input, '--data-dir', data, ...extra]);

    // Night 1: the middle day only, with JSON logs and the report on stdout.
    feed([d2], input);
    const n1 = night('--json', '--log-format', 'json');
    assert.equal(n1.code, 0, n1.stderr);
    const r1 = JSON.parse(n1.stdout) as RunReport;
    assert.equal(r1.status, 'ok');
    assert.deepEqual(r1.build?.ranges, [{ from: '2017-03-02', to: '2017-03-02' }]);
    assert.equal(r1.load?.files.filter((f) => f.status === 'loaded').length, 1);
    assert.ok(r1.build!.dbt[0].models.some((m) => m.name === 'flow_metadata' && m.status === 'success'));
    assert.ok(r1.build!.dbt[0].tests.length > 0);
    assert.deepEqual(r1.validation?.findings, []);
    for (const line of n1.stderr.trim().split('\n')) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
    assert.ok(existsSync(join(data, 'runs', `${r1.runId}.json`)));

    // Night 2: the next day, and a late file for the day before the first night.
    feed([d3, d1], input);
    const n2 = night('--json');
    assert.equal(n2.code, 0, n2.stderr);
    const r2 = JSON.parse(n2.stdout) as RunReport;
    assert.deepEqual(r2.build?.ranges, [{ from: '2017-03-01', to: '2017-03-03' }], 'the late file widens the range');
    assert.match(n2.stderr, /rebuilt 2017-03-01\.\.2017-03-03/);

    // Night 3: the same night again (one file repeated under another name): nothing to do.
    feed([d2], input, (n) => `repeat-${n}`);
    const n3 = night('--json');
    assert.equal(n3.code, 0, n3.stderr);
    const r3 = JSON.parse(n3.stdout) as RunReport;
    assert.equal(r3.status, 'noop');
    assert.equal(r3.build, null, 'no dbt run when nothing is new');
    assert.ok(r3.load!.files.every((f) => f.status === 'already_loaded'));
    assert.match(n3.stderr, /nothing new/);

    // The reference: every file loaded at once, then one full build.
    const ref = join(dir, 'ref');
    const load = cli(['load', join(dir, 'logs'), '--data-dir', ref]);
    assert.equal(load.code, 0, load.stderr);
    const full = cli(['build', '--full-refresh', '--data-dir', ref]);
    assert.equal(full.code, 0, full.stderr);

    const diffs = await compareWarehouses(join(data, 'warehouse.duckdb'), join(ref, 'warehouse.duckdb'));
    for (const d of diffs) {
      assert.ok(d.rightRows > 0, `${d.table} is empty in the full build`);
      assert.deepEqual(d, { ...d, leftRows: d.rightRows, onlyLeft: 0, onlyRight: 0 }, `${d.table} differs`);
    }

    // The key never appears in what the runs printed or wrote.
    for (const out of [n1.stdout, n1.stderr, n2.stdout, n2.stderr, n3.stdout, n3.stderr, load.stderr, full.stderr]) {
      assert.ok(!out.includes(TEST_KEY), 'the HMAC key was printed');
    }
    const written = [
      ...allFilesUnder(join(data, 'runs')),
      ...allFilesUnder(join(data, 'dbt', 'logs')),
      ...allFilesUnder(join(data, 'quarantine')),
    ];
    assert.ok(written.length >= 4);
    for (const f of written) assert.ok(!readFileSync(f, 'utf8').includes(TEST_KEY), `the HMAC key is in ${f}`);
  } finally {
    cleanup();
  }
});
