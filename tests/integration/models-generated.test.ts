// Generated logs → the real loader → dbt: a full build of everything at once
// (with every data test) against night-by-night incremental runs where one
// day's file arrives late and the last night is repeated with that file
// delivered again. Table by table, both end in exactly the same rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLogs } from '../../scripts/generator/index.ts';
import { loadFiles } from '../../scripts/loader/index.ts';
import { layout } from '../../scripts/lib/paths.ts';
import { sqlString } from '../../scripts/loader/sql.ts';
import { dbtOk, MARTS, tableDifference, withWarehouses } from './models-compare.ts';

const HMAC_KEY = 'model-test-key';

test('generated logs: nightly incremental runs equal one full build', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'fxa-models-gen-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const full = join(root, 'full');
  const nightly = join(root, 'nightly');
  const { files } = await generateLogs({ out: join(root, 'logs'), start: '2024-03-01', days: 4, users: 40, seed: 11 });
  assert.equal(files.length, 4);
  const [d1, d2, d3, d4] = files;
  const again = join(root, 'logs', 'redelivered-2024-03-03.log');
  copyFileSync(d3, again);

  await loadFiles({ dataDir: full, hmacKey: HMAC_KEY, inputs: [d1, d2, d3, d4, again], progress: 'never' });
  // Every data test on generated data; the unit tests run in models.test.ts.
  const fullBuild = dbtOk(full, ['build', '--exclude', 'test_type:unit']);

  const nights = (async () => {
    // 03-03's file arrives after 03-04's; the last night runs twice, the
    // second time with 03-03's file delivered again under another name.
    let vars: Record<string, string> = {};
    for (const inputs of [[d1, d2], [d4], [d3], [again]]) {
      const r = await loadFiles({ dataDir: nightly, hmacKey: HMAC_KEY, inputs, progress: 'never' });
      if (r.daysTouched.length) vars = { from: r.daysTouched[0], to: r.daysTouched[r.daysTouched.length - 1] };
      // Models and seeds (the KPI funnels read one), as a night's `dbt build` does.
      await dbtOk(nightly, ['build', '--resource-type', 'seed', '--resource-type', 'model'], vars);
    }
  })();
  await Promise.all([fullBuild, nights]);

  await withWarehouses({ f: full, n: nightly }, async (q) => {
    await t.test('flow_events holds each raw duplicate key once', async () => {
      const glob = sqlString(join(layout(full).rawTable('flow_events'), '*', '*.parquet'));
      const [c] = await q(`select
          (select count(*) from f.main.flow_events) as modelled,
          (select count(*) from (select distinct flow_id, type, flow_time, time_ms from read_parquet(${glob}))) as raw_keys`);
      assert.ok(Number(c.modelled) > 100, `flow events: ${c.modelled}`);
      assert.equal(c.modelled, c.raw_keys);
    });

    for (const table of MARTS) {
      await t.test(`nightly runs equal the full build: ${table}`, async () => {
        const d = await tableDifference(q, table, 'f', 'n');
        assert.ok(d.rowsA > 0, `${table} has rows`);
        assert.deepEqual({ onlyFull: d.onlyA, onlyNightly: d.onlyB }, { onlyFull: 0, onlyNightly: 0 });
      });
    }
  });
});
