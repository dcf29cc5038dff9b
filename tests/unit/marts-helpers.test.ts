// The equality tests' shared parts (tests/lib/marts.ts): the row difference
// counts duplicates and ignores order, and the lists of marts come from the
// published contracts, one per model under models/marts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { projectRoot } from '../../scripts/setup/python-env.ts';
import { BASE_MARTS, MART_TABLES, rowDifference } from '../lib/marts.ts';

test('rowDifference: same rows in another order are equal; a duplicate or a changed value is not', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    const rel = (values: string) => `select * from (values ${values}) as t(k, v)`;
    const same = await rowDifference(rows, rel("(1, 'a'), (2, 'b')"), rel("(2, 'b'), (1, 'a')"));
    assert.deepEqual(same, { rowsA: 2, rowsB: 2, onlyA: 0, onlyB: 0, examples: [] });
    const dup = await rowDifference(rows, rel("(1, 'a'), (1, 'a')"), rel("(1, 'a')"), { examples: 3 });
    assert.deepEqual([dup.rowsA, dup.rowsB, dup.onlyA, dup.onlyB], [2, 1, 1, 0]);
    assert.deepEqual(dup.examples, [{ side: 'a', k: 1, v: 'a' }]);
    const changed = await rowDifference(rows, rel("(1, 'a')"), rel("(1, 'b')"));
    assert.deepEqual([changed.onlyA, changed.onlyB], [1, 1]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
});

test('the marts compared are every model of models/marts/, the metrics-docs tables those outside kpi/', () => {
  const models = (dir: string) =>
    readdirSync(join(projectRoot, dir))
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.slice(0, -4));
  assert.deepEqual([...BASE_MARTS].sort(), models('models/marts').sort());
  assert.deepEqual([...MART_TABLES].sort(), [...models('models/marts'), ...models('models/marts/kpi')].sort());
});
