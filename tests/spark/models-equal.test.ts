// The same dbt models on Spark (dbt-spark, session mode) and on DuckDB give
// the same tables, row for row. Spark builds them night by night, the way
// production runs (out-of-order days, a late file, a re-run of a night),
// with insert_overwrite of day partitions; DuckDB builds them once from
// everything. Both read the same raw zone, written by the real generator
// and loader.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLogs } from '../../scripts/generator/index.ts';
import { loadFiles } from '../../scripts/loader/index.ts';
import { runDbt } from '../../scripts/lib/dbt.ts';
import { layout } from '../../scripts/lib/paths.ts';
import { projectRoot } from '../../scripts/setup/python-env.ts';
import { SparkDbtSession, type DbtReply } from './spark-session-runner.ts';
import { compareTables, writeTamperedCopy } from './compare.ts';
import { MART_TABLES } from '../lib/marts.ts';
import { tail } from './thrift-server.ts';

const MART_SCHEMA = 'main';
// The marts and the KPI marts: every published table contract.
const MARTS = [...MART_TABLES].sort();
// A night's models and seeds (the KPI funnels read one), without the tests.
const BUILD_MODELS = ['build', '--resource-type', 'seed', '--resource-type', 'model'];
const HMAC_KEY = 'spark-equality-test-key';

let root: string;
let dataDir: string;
let session: SparkDbtSession | undefined;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'fxa-spark-eq-'));
  dataDir = join(root, 'data');
});

after(async () => {
  await session?.close();
  if (process.env.FXA_KEEP_TEST_DIR) process.stderr.write(`kept ${root}\n`);
  else rmSync(root, { recursive: true, force: true });
});

/** Files of one day partition of a Spark table, as Spark wrote them. */
function partitionFiles(table: string, column: string, day: string): string[] {
  const dir = join(layout(dataDir).spark, 'spark-warehouse', `${MART_SCHEMA}.db`, table, `${column}=${day}`);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.parquet'))
        .sort()
    : [];
}

function assertRun(reply: DbtReply, night: string) {
  const failed = reply.results.filter((r) => !['success', 'RunStatus.Success'].includes(r.status));
  assert.ok(
    reply.ok && failed.length === 0,
    `dbt on Spark failed (${night}): ${reply.error ?? ''}\n` +
      failed.map((r) => `${r.unique_id}: ${r.status} ${r.message}`).join('\n') +
      `\n${tail(session!.logFile)}`,
  );
  const built = reply.results.filter((r) => r.unique_id?.startsWith('model.')).length;
  assert.equal(built, MARTS.length + 2, `every model ran (${night})`); // + the two staging views
}

test('every mart built night by night on Spark equals the DuckDB build, row for row', async () => {
  assert.ok(MARTS.length >= 6, `marts found: ${MARTS.join(', ')}`);
  const logs = await generateLogs({ out: join(root, 'logs'), start: '2017-03-30', days: 4, users: 60, seed: 20170330 });
  const [d0, d1, d2, d3] = logs.files;
  assert.equal(logs.files.length, 4);

  session = SparkDbtSession.start(dataDir);
  // Night order: days 0 and 1, then day 3, then day 2 arrives late, then
  // the same night runs again (its load finds nothing new).
  const nights: Array<{ name: string; files: string[] }> = [
    { name: 'night 1 (two days, a full build)', files: [d0, d1] },
    { name: 'night 2 (a day early)', files: [d3] },
    { name: 'night 3 (the late day)', files: [d2] },
    { name: 'night 3 again (a re-run)', files: [d2] },
  ];
  let vars: { from: string; to: string } | undefined;
  for (const night of nights) {
    const load = await loadFiles({ dataDir, hmacKey: HMAC_KEY, inputs: night.files, progress: 'never' });
    if (load.daysTouched.length) {
      const days = [...load.daysTouched].sort();
      vars = { from: days[0], to: days[days.length - 1] };
    }
    assert.ok(vars, 'the first night loads something');

    // insert_overwrite must replace only the day partitions the run
    // produces: a day outside the window keeps its files untouched.
    const outside = ['2017-03-30', '2017-03-31', '2017-04-01', '2017-04-02'].find((d) => d < vars!.from || d > vars!.to);
    const before = outside ? partitionFiles('activity_events', 'day', outside) : [];
    const inside = partitionFiles('activity_events', 'day', vars.to);

    assertRun(await session.dbt(BUILD_MODELS, vars), night.name);

    if (outside && before.length) {
      assert.deepEqual(partitionFiles('activity_events', 'day', outside), before, `${night.name}: day ${outside} was rewritten`);
    }
    if (inside.length) {
      const now = partitionFiles('activity_events', 'day', vars.to);
      assert.ok(now.length > 0 && now.every((f) => !inside.includes(f)), `${night.name}: day ${vars.to} was not overwritten`);
    }
  }

  // The project's data tests and unit tests hold on Spark too (what a
  // nightly `dbt build` on Databricks runs after the models).
  const tests = await session.dbt(['test']);
  const testResults = tests.results.filter((r) => /^(test|unit_test)\./.test(r.unique_id ?? ''));
  const notPassed = testResults.filter((r) => r.status !== 'pass');
  assert.ok(
    tests.ok && notPassed.length === 0,
    `dbt test on Spark: ${tests.error ?? ''}\n` + notPassed.map((r) => `${r.unique_id}: ${r.status} ${r.message}`).join('\n'),
  );
  assert.ok(testResults.length >= 10, `tests run: ${testResults.length}`);

  // Spark's own state stays under the data dir, never in the project.
  for (const name of ['metastore_db', 'derby.log', 'spark-warehouse']) {
    assert.ok(existsSync(join(layout(dataDir).spark, name)), `${name} under <data dir>/spark`);
    assert.ok(!existsSync(join(projectRoot, name)), `no ${name} in the project directory`);
  }

  const exported = await session.export(
    MARTS.map((t) => `${MART_SCHEMA}.${t}`),
    join(root, 'spark-export'),
  );
  await session.close();
  session = undefined;

  const duck = await runDbt(BUILD_MODELS, { dataDir, target: 'duckdb' });
  assert.equal(duck.exitCode, 0, `dbt on DuckDB failed:\n${duck.stdout.slice(-3000)}`);

  const dirs = Object.fromEntries(MARTS.map((t) => [t, exported[`${MART_SCHEMA}.${t}`]]));
  const results = await compareTables(layout(dataDir).warehouse, MART_SCHEMA, dirs);
  for (const r of results) {
    assert.ok(r.duckdbRows > 0, `${r.table}: the test data gives it rows`);
    assert.deepEqual(
      { rows: r.sparkRows, onlyInDuckdb: r.onlyInDuckdb, onlyInSpark: r.onlyInSpark },
      { rows: r.duckdbRows, onlyInDuckdb: 0, onlyInSpark: 0 },
      `${r.table} differs between DuckDB and Spark: ${JSON.stringify(r.examples, null, 1)}`,
    );
  }
  assert.deepEqual(results.map((r) => r.table).sort(), MARTS);

  // The comparison itself tells one changed value apart.
  const tampered = join(root, 'tampered-flow_metadata');
  await writeTamperedCopy(dirs.flow_metadata, tampered, 'duration', 'duration + 1');
  const [bad] = await compareTables(layout(dataDir).warehouse, MART_SCHEMA, { flow_metadata: tampered });
  assert.deepEqual([bad.sparkRows, bad.onlyInDuckdb, bad.onlyInSpark], [bad.duckdbRows, 1, 1]);
});
