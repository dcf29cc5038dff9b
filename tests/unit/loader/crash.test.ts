// Crash safety: a load killed at each stage leaves no committed record and
// nothing half-visible that recovery does not finish or undo; the next load
// ends with exactly the rows of an uninterrupted load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadFiles, recoverDataDir } from '../../../scripts/loader/index.ts';
import { FIXTURES, KEY, ROOT, rawRows, tempDir, type Row } from './helpers.ts';

const INPUTS = [join(FIXTURES, 'day1.log'), join(FIXTURES, 'day2.log')];
const CHILD = join(ROOT, 'tests', 'unit', 'loader', 'load-child.ts');

function crashLoad(dataDir: string, point: string): number | null {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, dataDir, ...INPUTS], {
    cwd: ROOT,
    env: { ...process.env, FXA_LOADER_CRASH_AT: point },
    encoding: 'utf8',
  });
  return r.status;
}

function parquetFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p.endsWith('.parquet')).sort();
}

const committed = (dataDir: string) =>
  existsSync(join(dataDir, 'loads')) ? readdirSync(join(dataDir, 'loads')).filter((n) => n.endsWith('.json')) : [];

/** All rows of both tables without the load id (which differs between runs by design). */
async function contents(dataDir: string): Promise<Row[][]> {
  const strip = (rows: Row[]) => rows.map(({ load_id: _drop, ...rest }) => rest);
  return [strip(await rawRows(dataDir, 'flow_events')), strip(await rawRows(dataDir, 'activity_events'))];
}

let reference: Row[][] | null = null;
async function uninterrupted(t: Parameters<typeof tempDir>[0]): Promise<Row[][]> {
  if (!reference) {
    const dir = tempDir(t);
    await loadFiles({ dataDir: dir, hmacKey: KEY, inputs: INPUTS, progress: 'never' });
    reference = await contents(dir);
  }
  return reference;
}

for (const point of ['staging', 'before-commit']) {
  test(`killed at ${point}: nothing visible in raw/, next load completes with the same rows`, async (t) => {
    const dataDir = tempDir(t);
    assert.equal(crashLoad(dataDir, point), 137);
    assert.deepEqual(parquetFiles(join(dataDir, 'raw')), [], 'no Parquet file visible to readers');
    assert.deepEqual(committed(dataDir), []);
    assert.ok(!existsSync(join(dataDir, 'quarantine')) || readdirSync(join(dataDir, 'quarantine')).length === 0);

    const next = await loadFiles({ dataDir, hmacKey: KEY, inputs: INPUTS, progress: 'never' });
    assert.deepEqual(await contents(dataDir), await uninterrupted(t));
    assert.equal(committed(dataDir).length, 1);
    assert.ok(!existsSync(join(dataDir, '.staging')), 'staging area cleaned');
    // before-commit is rolled forward by recovery, so the files count as loaded already
    assert.equal(next.noop, point === 'before-commit');
  });
}

for (const point of ['mid-rename', 'before-record']) {
  test(`killed at ${point}: uncommitted, then rolled forward to the same rows`, async (t) => {
    const dataDir = tempDir(t);
    assert.equal(crashLoad(dataDir, point), 137);
    assert.deepEqual(committed(dataDir), []);
    assert.equal(readdirSync(join(dataDir, 'loads')).filter((n) => n.endsWith('.pending')).length, 1);

    const next = await loadFiles({ dataDir, hmacKey: KEY, inputs: INPUTS, progress: 'never' });
    assert.equal(next.noop, true);
    assert.deepEqual(await contents(dataDir), await uninterrupted(t));
    assert.equal(committed(dataDir).length, 1);
    assert.ok(!existsSync(join(dataDir, '.staging')));
    assert.equal(readdirSync(join(dataDir, 'loads')).filter((n) => n.endsWith('.pending')).length, 0);
  });
}

test('a pending load whose staged files are gone is rolled back, and the next load redoes it', async (t) => {
  const dataDir = tempDir(t);
  assert.equal(crashLoad(dataDir, 'mid-rename'), 137);
  assert.equal(parquetFiles(join(dataDir, 'raw')).length, 1, 'one file moved before the crash');
  rmSync(join(dataDir, '.staging'), { recursive: true });
  recoverDataDir(dataDir);
  assert.deepEqual(parquetFiles(join(dataDir, 'raw')), []);
  assert.deepEqual(readdirSync(join(dataDir, 'loads')), []);
  assert.deepEqual(readdirSync(join(dataDir, 'raw'), { recursive: true }), [], 'emptied partitions removed');

  const next = await loadFiles({ dataDir, hmacKey: KEY, inputs: INPUTS, progress: 'never' });
  assert.equal(next.noop, false);
  assert.deepEqual(await contents(dataDir), await uninterrupted(t));
});

test('recovery with nothing to recover writes nothing', (t) => {
  const dataDir = join(tempDir(t), 'absent');
  recoverDataDir(dataDir);
  assert.equal(existsSync(dataDir), false);
});
