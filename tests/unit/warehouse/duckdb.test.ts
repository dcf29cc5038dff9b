// The DuckDB warehouse on a real DuckDB file: qualified names and row counts
// in the marts' schema, names that need quoting, and a missing table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse, quoteIdent } from '../../../scripts/lib/warehouse/duckdb.ts';

async function withWarehouse(fn: (wh: DuckDbWarehouse) => Promise<void>, schema?: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fxa-duck-'));
  const wh = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'), { schema });
  try {
    await fn(wh);
  } finally {
    await wh.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('quoting: identifiers in double quotes, a quote inside doubled', () => {
  assert.equal(quoteIdent('flow_events'), '"flow_events"');
  assert.equal(quoteIdent('we"ird'), '"we""ird"');
});

test('qualifiedName and rowCount: the table in the marts schema, whatever its name', () =>
  withWarehouse(async (wh) => {
    assert.equal(wh.qualifiedName('kpi_daily'), '"main"."kpi_daily"');
    await wh.query('create table "we""ird name" (x integer)');
    await wh.query('insert into "we""ird name" values (1), (2), (3)');
    await wh.query('create table empty_one (x integer)');
    assert.equal(wh.qualifiedName('we"ird name'), '"main"."we""ird name"');
    assert.equal(await wh.rowCount('we"ird name'), 3);
    assert.equal(await wh.rowCount('empty_one'), 0);
    await assert.rejects(() => wh.rowCount('no_such_table'), /no_such_table/);
  }));

test('rowCount reads the configured schema, not the connection default', () =>
  withWarehouse(async (wh) => {
    assert.equal(wh.qualifiedName('t'), '"marts"."t"');
    await wh.query('create schema marts');
    await wh.query('create table marts.t as select * from range(5)');
    await wh.query('create table main.t as select * from range(2)');
    assert.equal(await wh.rowCount('t'), 5);
    assert.equal((await wh.sample('t', 10)).length, 5);
  }, 'marts'));
