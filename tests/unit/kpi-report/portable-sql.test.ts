// The report reads Databricks too: its queries must be Spark SQL as well as
// DuckDB (which the other tests run them on). sqlfluff's Spark grammar
// checks the syntax here; it knows nothing of function names, so the queries
// keep to cast/min/max/sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { projectRoot, venvBin } from '../../../scripts/setup/python-env.ts';
import { DAY_RANGE_SQL, REPORT_SQL } from '../../../scripts/kpi-report/queries.ts';

/** Statements sqlfluff's Spark SQL grammar cannot parse (by their first words). */
function unparsableInSpark(statements: string[]): string[] {
  const input = statements.map((s) => s.replace(/\?/g, `'2017-03-01'`) + ';\n').join('');
  const r = spawnSync(venvBin('sqlfluff'), ['parse', '--dialect', 'sparksql', '--format', 'json', '--nofail', '-'], {
    cwd: projectRoot,
    input,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.stringify(JSON.parse(r.stdout));
  return [...out.matchAll(/"unparsable":\[\{"(?:word|[a-z_]+)":"([^"]*)"/g)].map((m) => m[1]);
}

test('every report query parses as Spark SQL', () => {
  const queries = [DAY_RANGE_SQL, ...Object.values(REPORT_SQL)];
  assert.equal(queries.length, 8);
  assert.deepEqual(unparsableInSpark(queries), []);
});

test('DuckDB-only syntax is caught', () => {
  assert.notDeepEqual(unparsableInSpark(['select * exclude (day) from kpi_engagement_daily']), []);
});

test('days are bound parameters: two per query, no day spliced in', () => {
  for (const [name, sql] of Object.entries(REPORT_SQL)) {
    assert.equal(sql.match(/\?/g)?.length, 2, name);
    assert.ok(!/\d{4}-\d{2}-\d{2}/.test(sql), name);
  }
});
