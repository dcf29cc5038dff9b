// The JSON Schemas in schemas/tables/ are generated from the dbt contracts in
// models/marts/*.yml: this fails when someone changes one and not the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTableSchemas, diffTableSchemas } from '../../../scripts/gen-table-schemas.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

test('committed table schemas agree with the dbt YAML contracts (npm run gen:schemas)', () => {
  assert.deepEqual(diffTableSchemas(root), []);
});

test('a YAML change the schemas do not follow is caught', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fxa-schemas-'));
  try {
    cpSync(join(root, 'models', 'marts'), join(dir, 'models', 'marts'), { recursive: true });
    cpSync(join(root, 'schemas', 'tables'), join(dir, 'schemas', 'tables'), { recursive: true });
    assert.deepEqual(diffTableSchemas(dir), []);
    const yml = join(dir, 'models', 'marts', 'flow_events.yml');
    writeFileSync(
      yml,
      readFileSync(yml, 'utf8').replace(
        /name: locale\n(\s+)description: ([^\n]*)\n(\s+)data_type: varchar/,
        'name: locale\n$1description: $2\n$3data_type: bigint',
      ),
    );
    assert.deepEqual(diffTableSchemas(dir), ['schemas/tables/flow_events.json differs from models/marts YAML']);
    rmSync(join(dir, 'schemas', 'tables', 'flow_metadata.json'));
    assert.ok(diffTableSchemas(dir).includes('schemas/tables/flow_metadata.json is missing'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('types, nullability and patterns come from data_type, not_null and matches_pattern', () => {
  const fe = buildTableSchemas(root).get('flow_events')!;
  const col = (n: string) => fe['x-columns'].find((c) => c.name === n)!;
  assert.deepEqual(fe['x-columns'].map((c) => c.name).slice(0, 6), ['timestamp', 'flow_time', 'flow_id', 'type', 'uid', 'locale']);
  assert.equal(col('flow_time').type, 'bigint');
  assert.equal(col('flow_id').nullable, false);
  assert.equal(col('uid').nullable, true);
  assert.deepEqual(fe.properties.uid, { type: ['string', 'null'], pattern: '^(?:[0-9a-f]{64})$' });
  assert.deepEqual(fe.properties.flow_id, { type: 'string', pattern: '^(?:[0-9a-f]{64})$' });
});
