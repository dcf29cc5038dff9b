import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbWarehouse } from '../../../scripts/lib/warehouse/duckdb.ts';
import { contractType, toJsonValue } from '../../../scripts/orchestration/contract-types.ts';
import { readTableContracts, type TableContract } from '../../../scripts/orchestration/table-contracts.ts';
import { compileContracts, redactValue, validateWarehouse } from '../../../scripts/orchestration/validate.ts';

const contract: TableContract = {
  'x-table': 'events',
  'x-columns': [
    { name: 'ts', type: 'timestamp', nullable: false },
    { name: 'n', type: 'bigint', nullable: false },
    { name: 'uid', type: 'string', nullable: true },
    { name: 'day', type: 'date', nullable: false },
  ],
  type: 'object',
  properties: {
    ts: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' },
    n: { type: 'integer' },
    uid: { type: ['string', 'null'], pattern: '^(?:[0-9a-f]{64})$' },
    day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  },
  required: ['ts', 'n', 'uid', 'day'],
  additionalProperties: false,
};

const HEX64 = 'a'.repeat(64);

test('engine type names map to contract types in both engines', () => {
  for (const [engine, want] of [
    ['VARCHAR', 'string'],
    ['STRING', 'string'],
    ['varchar(255)', 'string'],
    ['BIGINT', 'bigint'],
    ['INTEGER', 'integer'],
    ['INT', 'integer'],
    ['BOOLEAN', 'boolean'],
    ['TIMESTAMP', 'timestamp'],
    ['TIMESTAMP_NTZ', 'timestamp'],
    ['DATE', 'date'],
  ] as const)
    assert.equal(contractType(engine), want, engine);
  assert.equal(contractType('TIMESTAMP WITH TIME ZONE'), null);
  assert.equal(toJsonValue('bigint', 5n), 5);
  assert.equal(toJsonValue('date', new Date('2017-03-01T00:00:00Z')), '2017-03-01');
  assert.equal(toJsonValue('timestamp', '2017-03-01 01:02:03.5'), '2017-03-01T01:02:03.5Z');
  assert.equal(redactValue('NOT-A-HMAC'), '"NOT-…"');
});

test('a matching table has no findings; each kind of mismatch is reported with table and column', async () => {
  const wh = await DuckDbWarehouse.open(':memory:');
  try {
    await wh.query(`create table main.events (ts timestamp, n bigint, uid varchar, day date)`);
    await wh.query(
      `insert into main.events values (timestamp '2017-03-01 10:00:00.123', 1, $1, date '2017-03-01'), (timestamp '2017-03-01 11:00:00', 2, null, date '2017-03-01')`,
      [HEX64],
    );
    let r = await validateWarehouse(wh, [contract], 100);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.tables, [{ table: 'events', columns: 4, sampledRows: 2 }]);

    await wh.query(
      `insert into main.events values (timestamp '2017-03-02 00:00:00', 3, 'BADBADBAD', date '2017-03-02'), (timestamp '2017-03-02 00:00:01', 4, 'BADAGAIN', date '2017-03-02')`,
    );
    r = await validateWarehouse(wh, [contract], 100);
    assert.equal(r.findings.length, 1);
    assert.deepEqual(
      { ...r.findings[0], message: undefined },
      { table: 'events', column: 'uid', kind: 'row', message: undefined, rows: 2, example: '"BADB…"' },
    );

    await wh.query(`alter table main.events drop column day`);
    await wh.query(`alter table main.events alter column n type varchar`);
    await wh.query(`alter table main.events alter column ts set not null`);
    await wh.query(`alter table main.events add column extra integer default 0`);
    await wh.query(`delete from main.events where uid is null`);
    await wh.query(`alter table main.events alter column uid set not null`);
    r = await validateWarehouse(wh, [contract, { ...contract, 'x-table': 'absent' }], 100);
    const kinds = r.findings.map((f) => `${f.table}.${f.column}:${f.kind}`).sort();
    assert.deepEqual(kinds, [
      'absent.null:missing_table',
      'events.day:missing_column',
      'events.extra:extra_column',
      'events.n:type',
      'events.uid:nullability',
      'events.uid:row',
    ]);
  } finally {
    await wh.close();
  }
});

test('the published contracts compile, and describe the six marts, the two last-seen tables and the six KPI marts', () => {
  const contracts = readTableContracts();
  assert.deepEqual(contracts.map((c) => c['x-table']).sort(), [
    'activity_events',
    'daily_activity_per_device',
    'daily_multi_device_users',
    'flow_events',
    'flow_experiments',
    'flow_metadata',
    'kpi_engagement_daily',
    'kpi_flow_errors_daily',
    'kpi_flow_outcomes_daily',
    'kpi_funnel_daily',
    'kpi_multi_device_daily',
    'kpi_time_to_connect_daily',
    'users_last_seen',
    'users_os_last_seen',
  ]);
  const v = compileContracts(contracts).get('activity_events')!;
  const row = {
    timestamp: '2017-03-01T00:00:00.000Z',
    type: 'account.login',
    uid: HEX64,
    device_id: 'b'.repeat(32),
    service: '',
    ua_browser: null,
    ua_version: null,
    ua_os: null,
    day: '2017-03-01',
    sample_id: 42,
  };
  assert.ok(v(row), JSON.stringify(v.errors));
  assert.ok(!v({ ...row, sample_id: null }), 'every row has its sample_id');
  assert.ok(!v({ ...row, uid: HEX64.toUpperCase() }), 'upper-case hex is not a stored uid');
  assert.ok(!v({ ...row, device_id: 'b'.repeat(31) }));
  assert.ok(!v({ ...row, uid: null }), 'activity uid is never null');
});
