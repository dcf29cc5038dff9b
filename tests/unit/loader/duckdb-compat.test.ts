// The Node DuckDB (@duckdb/node-api, the loader) and the Python DuckDB (.venv,
// dbt-duckdb) must be the same release line: each reads what the other writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { venvBin } from '../../../scripts/setup/python-env.ts';
import { FIXTURES, KEY, tempDir } from './helpers.ts';
import { loadFiles } from '../../../scripts/loader/index.ts';

function python(code: string, ...args: string[]): string {
  const r = spawnSync(venvBin('python'), ['-c', code, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('Node opens a DuckDB database file written by the Python duckdb', async (t) => {
  const file = join(tempDir(t), 'py.duckdb');
  python(
    `import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("create table t as select 42::bigint as n, 'o''hara 🦊' as s, true as b")
con.close()`,
    file,
  );
  const inst = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false' });
  try {
    const con = await inst.connect();
    const rows = (await con.runAndReadAll('select n, s, b from t')).getRowObjectsJS();
    con.closeSync();
    assert.deepEqual(rows, [{ n: 42n, s: "o'hara 🦊", b: true }]);
  } finally {
    inst.closeSync();
  }
});

test('the Python duckdb reads the raw zone the loader wrote, day from the path', async (t) => {
  const dataDir = tempDir(t);
  await loadFiles({ dataDir, hmacKey: KEY, inputs: [join(FIXTURES, 'day1.log')], progress: 'never' });
  const out = python(
    `import sys, duckdb
rows = duckdb.sql(f"select cast(day as varchar), count(*) from read_parquet('{sys.argv[1]}/raw/flow_events/*/*.parquet', hive_partitioning=true) group by all order by 1").fetchall()
print(rows)`,
    dataDir,
  );
  assert.equal(out.trim(), "[('2017-03-01', 3), ('2017-03-02', 1)]");
});
