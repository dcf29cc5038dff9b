// One unreadable input file (a truncated .gz, a .gz that is not gzip, a
// dangling symlink) does not block the night: it is reported by path and
// reason, the run exits 3, every other file is loaded and built, and the bad
// file is not read again until its content changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cli, feed, makeLogs, tempDir } from './nightly-helpers.ts';
import type { RunReport } from '../../scripts/orchestration/run-report.ts';

test('nightly: unreadable files are reported with exit 3, the other days load and build, and a fixed file loads later', async () => {
  const { dir, cleanup } = tempDir('unreadable');
  try {
    const [d1, d2, d3] = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 3, seed: 9 });
    const input = join(dir, 'input');
    feed([d1], input);
    const d2gz = join(input, 'day2.log.gz');
    const whole = gzipSync(readFileSync(d2));
    writeFileSync(d2gz, whole.subarray(0, whole.length >> 1));
    writeFileSync(join(input, 'day3.log.gz'), readFileSync(d3));
    symlinkSync(join(dir, 'nowhere.log'), join(input, 'day4.log'));
    const data = join(dir, 'data');
    const args = ['nightly', '--input', input, '--data-dir', data, '--json', '--no-kpi-report'];

    let r = cli(args);
    assert.equal(r.code, 3, r.stderr);
    let report = JSON.parse(r.stdout) as RunReport;
    assert.equal(report.status, 'data_checks_failed');
    const unreadable = (x: RunReport) => x.load!.files.filter((f) => f.status === 'unreadable').map((f) => [f.path, f.reason]);
    assert.deepEqual(unreadable(report), [
      [d2gz, 'truncated gzip (unexpected end of file)'],
      [join(input, 'day3.log.gz'), 'not gzip data (incorrect header check)'],
      [join(input, 'day4.log'), 'dangling symlink'],
    ]);
    assert.deepEqual(report.problems, [
      `cannot read ${d2gz}: truncated gzip (unexpected end of file)`,
      `cannot read ${join(input, 'day3.log.gz')}: not gzip data (incorrect header check)`,
      `cannot read ${join(input, 'day4.log')}: dangling symlink`,
    ]);
    assert.match(r.stderr, new RegExp(`unreadable: ${d2gz}: truncated gzip`), 'the summary names the file');
    assert.deepEqual(report.build?.ranges, [{ from: '2017-03-01', to: '2017-03-01' }], 'the readable day is built');
    assert.ok(report.tables!.flow_events > 0);

    // the same files again: not read again, still reported, nothing to rebuild
    r = cli(args);
    assert.equal(r.code, 3, r.stderr);
    report = JSON.parse(r.stdout) as RunReport;
    assert.equal(report.build, null, 'no rebuild');
    assert.match(report.load!.files.find((f) => f.path === d2gz)!.reason!, /unchanged since load .*: not read again/);

    // fixed and removed: the fixed file loads, and only its day is built
    writeFileSync(d2gz, whole);
    rmSync(join(input, 'day3.log.gz'));
    rmSync(join(input, 'day4.log'));
    r = cli(args);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout) as RunReport;
    assert.deepEqual(unreadable(report), []);
    assert.deepEqual(report.build?.ranges, [{ from: '2017-03-02', to: '2017-03-02' }]);
  } finally {
    cleanup();
  }
});
