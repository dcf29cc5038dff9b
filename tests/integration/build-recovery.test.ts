// `build` never lets dbt read a half-committed load: a load killed while it
// was moving its files into raw/ is finished (or undone) under the lock
// before dbt starts, so the tables hold exactly the committed rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { FIXTURES, KEY, ROOT, rawRows, tempDir } from '../unit/loader/helpers.ts';

const INPUTS = [join(FIXTURES, 'day1.log'), join(FIXTURES, 'day2.log')];

async function countRows(dataDir: string, table: string): Promise<number> {
  const instance = await DuckDBInstance.create(join(dataDir, 'warehouse.duckdb'), { access_mode: 'READ_ONLY' });
  try {
    const con = await instance.connect();
    const reader = await con.runAndReadAll(`select count(*)::integer as n from main.${table}`);
    return Number(reader.getRowObjects()[0].n);
  } finally {
    instance.closeSync();
  }
}

test('build finishes a load killed mid-rename before dbt reads the raw zone', async (t) => {
  const dataDir = tempDir(t, 'fxa-build-recovery-');
  const crashed = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'tests/unit/loader/load-child.ts'), dataDir, ...INPUTS], {
    cwd: ROOT,
    env: { ...process.env, FXA_LOADER_CRASH_AT: 'mid-rename' },
    encoding: 'utf8',
  });
  assert.equal(crashed.status, 137);
  const loads = () => readdirSync(join(dataDir, 'loads'));
  assert.ok(
    loads().some((n) => n.endsWith('.pending')),
    'the killed load left a pending record',
  );

  const build = spawnSync(process.execPath, [join(ROOT, 'bin/fxa-metrics.mjs'), 'build', '--full-refresh', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, FXA_UID_HMAC_KEY: KEY },
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
  assert.deepEqual(
    loads().filter((n) => n.endsWith('.pending')),
    [],
    'recovery committed or undid the load',
  );
  assert.ok(!existsSync(join(dataDir, '.staging')), 'no staging left');

  // The committed raw zone and the built table agree row for row in number.
  const raw = await rawRows(dataDir, 'flow_events');
  assert.ok(raw.length > 0);
  assert.equal(await countRows(dataDir, 'flow_events'), raw.length);
});
