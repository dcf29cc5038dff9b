// A full disk, on a small tmpfs: a run that finds its disk filled by what a
// killed load left behind recovers that space before it writes anything; a
// disk that fills during a load leaves the data dir as it was; a disk that
// fills while dbt runs ends the run with dbt's failure as the line
// the operator reads (not the report it then could not write), leaves no
// temporary file, and once space is free the next run finishes by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { assertSameAsFullBuild, cli, feed, makeLogs, tempDir } from './nightly-helpers.ts';
import type { RunReport } from '../../scripts/orchestration/run-report.ts';

const MB = 1024 * 1024;

/** Mounts a tmpfs of `size` at dir; null (and the reason printed) where mounting is refused. */
function mountTmpfs(dir: string, size: string): (() => void) | null {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stdout.write(`# skipped: cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})\n`);
    return null;
  }
  return () => spawnSync('umount', [dir]);
}

const freeBytes = (dir: string) => {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
};

/** Writes zeros to `path` until only `leave` bytes are free (0: until the disk is full). */
function fill(path: string, leave: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(MB);
  try {
    for (let free = freeBytes(join(path, '..')); free > leave; free = freeBytes(join(path, '..'))) {
      writeSync(fd, buf, 0, Math.min(buf.length, free - leave));
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

const pending = (data: string) => JSON.parse(readFileSync(join(data, 'runs', 'pending-days.json'), 'utf8'));

test("a full disk: recovery frees a killed load's staging first; a disk filled during dbt reports dbt's failure; the next run finishes", async (t) => {
  const { dir, cleanup } = tempDir('disk-full');
  const mnt = join(dir, 'mnt');
  const unmount = mountTmpfs(mnt, '64m');
  if (!unmount) {
    cleanup();
    t.skip('cannot mount a tmpfs');
    return;
  }
  try {
    const [d1, d2, d3] = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 3, seed: 9 });
    const input = join(dir, 'input');
    feed([d1, d2], input);
    const data = join(mnt, 'data');
    const args = ['nightly', '--input', input, '--data-dir', data, '--no-report', '--json'];
    let r = cli(['load', input, '--data-dir', data]);
    assert.equal(r.code, 0, r.stderr);

    // 1. A load that died with the disk full left its staging dir filling the disk.
    fill(join(data, '.staging', '20170302T000000Z-0a0b0c', 'spill.bin'), 0);
    assert.ok(freeBytes(mnt) < 64 * 1024);
    r = cli(args);
    assert.equal(r.code, 0, r.stderr);
    let report = JSON.parse(r.stdout) as RunReport;
    assert.deepEqual(report.build?.ranges, [{ from: '2017-03-01', to: '2017-03-02' }]);
    assert.deepEqual(
      readdirSync(data).filter((n) => n === '.staging'),
      [],
      'the staging space was recovered first',
    );
    assert.deepEqual(pending(data).days, []);

    // 2. The disk fills during a load: the error names the file, and the load leaves nothing behind.
    feed([d3], input);
    const notRuns = (paths: string[]) => paths.map((p) => relative(data, p)).filter((p) => !p.startsWith('runs/'));
    const before = notRuns(files(data));
    const loadFiller = join(mnt, 'load-filler.bin');
    fill(loadFiller, 40 * 1024);
    r = cli(args);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Could not write file ".*\/\.staging\/.*\.parquet": No space left on device/);
    assert.deepEqual(notRuns(files(data)), before, 'the data dir holds what it held before the run (and at most its run-report)');
    rmSync(loadFiller);

    // 3. The disk fills while dbt runs.
    r = cli(['load', input, '--data-dir', data]);
    assert.equal(r.code, 0, r.stderr);
    const filler = join(mnt, 'filler.bin');
    fill(filler, 96 * 1024);
    r = cli(args);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.ok(!lines.some((l) => l.startsWith('fxa-metrics: ')), `no crash line, the run ends with its summary:\n${r.stderr}`);
    assert.match(r.stderr, /^nightly \S+: dbt_failed \(exit 1\)/m, 'the first line of the summary says dbt failed');
    const problems = lines.filter((l) => l.startsWith('  problem: '));
    assert.match(
      problems[0],
      /problem: dbt exited \d+: no space left on device/,
      `dbt's failure is the first problem: ${problems.join('\n')}`,
    );
    assert.match(problems[1] ?? '', /run report not written: cannot write .*runs\/.*\.json: no space left on device/);
    assert.deepEqual(
      files(data).filter((p) => p.endsWith('.tmp')),
      [],
      'no temporary file left behind',
    );
    assert.deepEqual(
      readdirSync(data).filter((n) => n === '.staging' || n === 'fxa-metrics.lock'),
      [],
    );
    assert.deepEqual(pending(data).days, ['2017-03-03'], 'the day stays pending');

    // 4. Space is free again: a plain rerun finishes the job.
    rmSync(filler);
    r = cli(args);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout) as RunReport;
    assert.deepEqual(report.build?.ranges, [{ from: '2017-03-03', to: '2017-03-03' }]);
    assert.deepEqual(pending(data).days, []);

    await assertSameAsFullBuild(input, data, join(dir, 'ref'));
  } finally {
    unmount();
    cleanup();
  }
});
