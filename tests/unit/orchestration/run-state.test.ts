import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  markBuilt,
  markValidated,
  readRunState,
  recordLoad,
  recoverRunState,
  setAsideDamagedLoadRecords,
} from '../../../scripts/orchestration/run-state.ts';
import { layout } from '../../../scripts/lib/paths.ts';
import { configureLog } from '../../../scripts/lib/log.ts';
import { CliError } from '../../../scripts/lib/errors.ts';

configureLog({ quiet: true });

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'fxa-pending-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function writeRecord(dir: string, id: string, rec: Record<string, unknown>, suffix = '.json'): string {
  mkdirSync(join(dir, 'loads'), { recursive: true });
  const p = join(dir, 'loads', `${id}${suffix}`);
  writeFileSync(p, JSON.stringify({ load_id: id, committed_at: null, files: [], counts: {}, moves: [], quarantine: null, ...rec }));
  return p;
}

test('pending days survive until a build covers them; a finished build awaits its checks', async (t) => {
  const dir = tmp(t);
  assert.deepEqual(readRunState(dir), { days: [] });
  const { result, state } = await recordLoad(dir, readRunState(dir), async () => {
    assert.ok(readRunState(dir).loadStartedAt, 'marked while the load runs');
    return { daysTouched: ['2017-03-03', '2017-03-01'], loadId: 'L1' };
  });
  assert.equal(result.loadId, 'L1');
  assert.deepEqual(state.days, ['2017-03-03', '2017-03-01']);
  assert.deepEqual(readRunState(dir), { days: ['2017-03-01', '2017-03-03'] });

  markBuilt(dir, { from: '2017-03-02', to: '2017-03-05' });
  assert.deepEqual(readRunState(dir), { days: ['2017-03-01'], unvalidated: true }, 'days outside the built range stay; checks are due');
  markValidated(dir);
  assert.deepEqual(readRunState(dir), { days: ['2017-03-01'] });
  markBuilt(dir, 'all');
  assert.deepEqual(readRunState(dir), { days: [], unvalidated: true });
});

test('a run that died during its load: the days of the loads committed since its marker are pending, not every day', async (t) => {
  const dir = tmp(t);
  writeRecord(dir, 'L1', {
    started_at: '2017-03-01T00:00:00.000Z',
    committed_at: '2017-03-01T00:01:00.000Z',
    days_touched: ['2017-02-01'],
  });
  // the load committed, the run died before recording its days
  const died = recordLoad(dir, { days: ['2017-02-10'] }, async () => {
    const marker = readRunState(dir).loadStartedAt!;
    writeRecord(dir, 'L2', { started_at: new Date(Date.parse(marker) + 5).toISOString(), committed_at: 'x', days_touched: ['2017-03-04'] });
    throw new Error('killed');
  });
  await assert.rejects(died, /killed/);
  const s = recoverRunState(dir);
  assert.deepEqual(s, { days: ['2017-02-10', '2017-03-04'] });
  assert.deepEqual(readRunState(dir), { days: ['2017-02-10', '2017-03-04'] }, 'written, without the marker and without a full build');
});

test('a load killed before its commit is finished by recovery, and exactly its days become pending', async (t) => {
  const dir = tmp(t);
  mkdirSync(join(dir, '.staging', 'L3'), { recursive: true });
  writeFileSync(join(dir, '.staging', 'L3', 'a.parquet'), 'x');
  writeRecord(
    dir,
    'L3',
    {
      started_at: '2017-03-01T00:00:00.000Z',
      days_touched: ['2017-03-06'],
      moves: [{ staged: '.staging/L3/a.parquet', target: 'raw/flow_events/day=2017-03-06/L3.parquet' }],
    },
    '.json.pending',
  );
  await assert.rejects(recordLoad(dir, { days: [] }, () => Promise.reject(new Error('killed'))));
  const s = recoverRunState(dir);
  assert.deepEqual(s.days, ['2017-03-06']);
  assert.equal(s.needsFullBuild, undefined);
  assert.ok(existsSync(join(dir, 'raw', 'flow_events', 'day=2017-03-06', 'L3.parquet')), 'rolled forward');
  assert.ok(!existsSync(join(dir, '.staging')));
});

test('a damaged run state is replaced by one full build; temporary files of killed writes are removed', (t) => {
  const dir = tmp(t);
  mkdirSync(join(dir, 'runs'));
  writeFileSync(layout(dir).pendingDays, '{"days": ["2017-03-0');
  writeFileSync(join(dir, 'runs', 'pending-days.json.123.tmp'), '{');
  mkdirSync(join(dir, 'uploads'));
  writeFileSync(join(dir, 'uploads', 'abc.txt.123.tmp'), 'raw/');
  writeFileSync(join(dir, 'fxa-metrics.lock.123.tmp'), '{');
  writeFileSync(join(dir, 'key-fingerprint.123.tmp'), '');
  assert.deepEqual(readRunState(dir), { days: [], needsFullBuild: true });
  recoverRunState(dir);
  assert.deepEqual(JSON.parse(readFileSync(layout(dir).pendingDays, 'utf8')), { days: [], needsFullBuild: true });
  assert.deepEqual(readdirSync(join(dir, 'runs')), ['pending-days.json']);
  assert.deepEqual(readdirSync(join(dir, 'uploads')), []);
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.endsWith('.tmp')),
    [],
  );
  markBuilt(dir, 'all');
  assert.deepEqual(readRunState(dir), { days: [], unvalidated: true });
});

test('recovery sets a damaged committed load record aside; a damaged pending one stops the run naming it', (t) => {
  const dir = tmp(t);
  const good = writeRecord(dir, 'L1', { started_at: 'x', days_touched: [] });
  mkdirSync(join(dir, 'loads'), { recursive: true });
  writeFileSync(join(dir, 'loads', 'L2.json'), '{"load_id": "L2", "fi');
  recoverRunState(dir);
  assert.deepEqual(readdirSync(join(dir, 'loads')).sort(), ['L1.json', 'L2.json.damaged']);
  assert.ok(existsSync(good));

  writeFileSync(join(dir, 'loads', 'L3.json.pending'), '');
  assert.throws(
    () => setAsideDamagedLoadRecords(dir),
    (e: CliError) =>
      e.exitCode === 1 && e.message.includes(join(dir, 'loads', 'L3.json.pending')) && /raw\/\*\/day=\*\/L3\*\.parquet/.test(e.message),
  );
});
