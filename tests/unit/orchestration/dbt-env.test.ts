// What dbt is given and what is read back from it: never the uid key, and
// only the run_results.json of the invocation itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dbtProcessEnv, readRunResults, stopGraceMs } from '../../../scripts/lib/dbt.ts';

test("dbt's environment has the data dir and target but not FXA_UID_HMAC_KEY", () => {
  const env = dbtProcessEnv(
    { dataDir: '/d', target: 'duckdb' },
    { PATH: '/bin', FXA_UID_HMAC_KEY: 'a-secret-key-of-16+-bytes', DATABRICKS_TOKEN: 't' },
  );
  assert.equal(env.FXA_UID_HMAC_KEY, undefined);
  assert.equal(env.FXA_DATA_DIR, '/d');
  assert.equal(env.PATH, '/bin');
  assert.equal(env.DATABRICKS_TOKEN, 't', 'the Databricks adapter needs its token');
});

test("run_results.json counts only when it carries this invocation's id (never an earlier or orphaned dbt's)", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fxa-rr-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'run_results.json');
  const results = (env: Record<string, string>) => JSON.stringify({ metadata: { invocation_id: 'x', env }, results: [], elapsed_time: 1 });
  writeFileSync(p, results({ FXA_INVOCATION: 'mine' }));
  assert.ok(readRunResults(p, 'mine'));
  writeFileSync(p, results({ FXA_INVOCATION: 'an-orphan' }));
  assert.equal(readRunResults(p, 'mine'), null);
  writeFileSync(p, results({}));
  assert.equal(readRunResults(p, 'mine'), null);
  writeFileSync(p, '{"metadata": {"env"');
  assert.equal(readRunResults(p, 'mine'), null, 'half written by a killed dbt');
  assert.equal(readRunResults(join(dir, 'none.json'), 'mine'), null);
});

test('the stop grace period: FXA_DBT_STOP_GRACE_SECONDS, default 30 s', () => {
  assert.equal(stopGraceMs({}), 30_000);
  assert.equal(stopGraceMs({ FXA_DBT_STOP_GRACE_SECONDS: '5' }), 5_000);
  assert.equal(stopGraceMs({ FXA_DBT_STOP_GRACE_SECONDS: 'soon' }), 30_000);
});
