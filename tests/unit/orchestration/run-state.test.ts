import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  markBuilt,
  markLoadDone,
  markLoadStarted,
  markValidated,
  pendingPath,
  readPending,
  recoverRun,
  setAsideDamagedLoadRecords,
} from '../../../scripts/orchestration/pending.ts';
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

test('pending days survive until a build covers them; a finished build awaits its checks', (t) => {
  const dir = tmp(t);
  assert.deepEqual(readPending(dir), { days: [] });
  let s = markLoadStarted(dir, readPending(dir));
  assert.ok(readPending(dir).loadStartedAt);
  s = markLoadDone(dir, s, ['2017-03-03', '2017-03-01']);
  assert.deepEqual(readPending(dir), { days: ['2017-03-01', '2017-03-03'] });

  markBuilt(dir, { from: '2017-03-02', to: '2017-03-05' });
  assert.deepEqual(readPending(dir), { days: ['2017-03-01'], unvalidated: true }, 'days outside the built range stay; checks are due');
  markValidated(dir);
  assert.deepEqual(readPending(dir), { days: ['2017-03-01'] });
  markBuilt(dir, 'all');
  assert.deepEqual(readPending(dir), { days: [], unvalidated: true });
});

test('a run that died during its load: the days of the loads committed since its marker are pending, not every day', (t) => {
  const dir = tmp(t);
  writeRecord(dir, 'L1', { started_at: '2017-03-01T00:00:00.000Z', committed_at: '2017-03-01T00:01:00.000Z', days_touched: ['2017-02-01'] });
  const marker = markLoadStarted(dir, { days: ['2017-02-10'] });
  // the load committed, the run died before recording its days
  writeRecord(dir, 'L2', { started_at: new Date(Date.parse(marker.loadStartedAt!) + 5).toISOString(), committed_at: 'x', days_touched: ['2017-03-04'] });
  const s = recoverRun(dir);
  assert.deepEqual(s, { days: ['2017-02-10', '2017-03-04'] });
  assert.deepEqual(readPending(dir), { days: ['2017-02-10', '2017-03-04'] }, 'written, without the marker and without a full build');
});

test('a load killed before its commit is finished by recovery, and exactly its days become pending', (t) => {
  const dir = tmp(t);
  mkdirSync(join(dir, '.staging', 'L3'), { recursive: true });
  writeFileSync(join(dir, '.staging', 'L3', 'a.parquet'), 'x');
  writeRecord(dir, 'L3', {
    started_at: '2017-03-01T00:00:00.000Z',
    days_touched: ['2017-03-06'],
    moves: [{ staged: '.staging/L3/a.parquet', target: 'raw/flow_events/day=2017-03-06/L3.parquet' }],
  }, '.json.pending');
  markLoadStarted(dir, { days: [] });
  const s = recoverRun(dir);
  assert.deepEqual(s.days, ['2017-03-06']);
  assert.equal(s.needsFullBuild, undefined);
  assert.ok(existsSync(join(dir, 'raw', 'flow_events', 'day=2017-03-06', 'L3.parquet')), 'rolled forward');
  assert.ok(!existsSync(join(dir, '.staging')));
});

test('a damaged run state is replaced by one full build; temporary files of killed writes are removed', (t) => {
  const dir = tmp(t);
  mkdirSync(join(dir, 'runs'));
  writeFileSync(pendingPath(dir), '{"days": ["2017-03-0');
  writeFileSync(join(dir, 'runs', 'pending-days.json.123.tmp'), '{');
  assert.deepEqual(readPending(dir), { days: [], needsFullBuild: true });
  recoverRun(dir);
  assert.deepEqual(JSON.parse(readFileSync(pendingPath(dir), 'utf8')), { days: [], needsFullBuild: true });
  assert.deepEqual(readdirSync(join(dir, 'runs')), ['pending-days.json']);
  markBuilt(dir, 'all');
  assert.deepEqual(readPending(dir), { days: [], unvalidated: true });
});

test('a damaged committed load record is set aside; a damaged pending one stops the run naming it', (t) => {
  const dir = tmp(t);
  const good = writeRecord(dir, 'L1', { started_at: 'x', days_touched: [] });
  mkdirSync(join(dir, 'loads'), { recursive: true });
  writeFileSync(join(dir, 'loads', 'L2.json'), '{"load_id": "L2", "fi');
  setAsideDamagedLoadRecords(dir);
  assert.deepEqual(readdirSync(join(dir, 'loads')).sort(), ['L1.json', 'L2.json.damaged']);
  assert.ok(existsSync(good));

  writeFileSync(join(dir, 'loads', 'L3.json.pending'), '');
  assert.throws(
    () => setAsideDamagedLoadRecords(dir),
    (e: CliError) => e.exitCode === 1 && e.message.includes(join(dir, 'loads', 'L3.json.pending')) && /raw\/\*\/day=\*\/L3\*\.parquet/.test(e.message),
  );
});
