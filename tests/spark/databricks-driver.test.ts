// The project's Databricks warehouse client (scripts/lib/warehouse/
// databricks.ts, the unpatched @databricks/sql driver underneath) against a
// real Spark Thrift Server over HTTPS. Spark does all the SQL; the
// test-only compatibility proxy translates the two Databricks-only protocol
// details (see hs2-compat-proxy.ts). Without a Databricks workspace this is
// the closest real endpoint of the same protocol family.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabricksWarehouse, rawZoneUploadPlan, type AuthHeaders } from '../../scripts/lib/warehouse/databricks.ts';
import { startThriftServer, thriftServerUnavailable, tail, type ThriftServer } from './thrift-server.ts';
import { startCompatProxy, type CompatProxy } from './hs2-compat-proxy.ts';

const unavailable = thriftServerUnavailable();
if (unavailable) process.stderr.write(`skipping the driver test: ${unavailable}\n`);

// Spark's HTTP servlet reads the user from a Basic header (auth mode NONE
// ignores the password); the driver's custom auth provider sends one.
const basicAuth: AuthHeaders = {
  authenticate: async () => ({ Authorization: 'Basic ' + Buffer.from('fxa-test:unused').toString('base64') }),
};

let dir: string;
let server: ThriftServer;
let proxy: CompatProxy;
let wh: DatabricksWarehouse;

const open = (p: CompatProxy, overrides: Partial<Parameters<typeof DatabricksWarehouse.open>[0]> = {}) =>
  DatabricksWarehouse.open({
    host: '127.0.0.1',
    port: p.port,
    path: server.httpPath,
    schema: 'fxa_test',
    auth: basicAuth,
    caCert: server.caCert,
    ...overrides,
  });

before(async () => {
  if (unavailable) return;
  dir = mkdtempSync(join(tmpdir(), 'fxa-hs2-'));
  server = await startThriftServer(dir);
  proxy = await startCompatProxy({
    upstreamSocket: server.socketPath,
    upstreamCa: server.caCert,
    pfx: server.pfx,
    passphrase: server.passphrase,
  });
  wh = await open(proxy);
  await wh.query('CREATE SCHEMA IF NOT EXISTS fxa_test');
  await wh.query(
    'CREATE TABLE fxa_test.flow_events (flow_id STRING, flow_time BIGINT, locale STRING, dnt BOOLEAN, timestamp TIMESTAMP, day DATE) USING parquet',
  );
  await wh.query(`INSERT INTO fxa_test.flow_events VALUES
    ('a1', 0, 'en-US', false, TIMESTAMP '2017-03-31 00:00:00.123', DATE '2017-03-31'),
    ('a1', 1530, 'fr-FR''; DROP TABLE x;--', true, TIMESTAMP '2017-03-31 23:59:59.999', DATE '2017-03-31'),
    ('b2', 9007199254740991, 'zh-CN 中文', NULL, TIMESTAMP '2017-04-01 12:00:00', DATE '2017-04-01'),
    ('c3', 7, NULL, false, NULL, DATE '2017-04-02')`);
});

after(async () => {
  if (unavailable) return;
  await wh?.close();
  await proxy?.close();
  await server?.stop();
  if (process.env.FXA_KEEP_TEST_DIR) process.stderr.write(`kept ${dir}\n`);
  else if (dir) rmSync(dir, { recursive: true, force: true });
});

test('query: executes on Spark and fetches typed rows, strings verbatim', { skip: unavailable ?? false }, async () => {
  const rows = await wh.query(
    'SELECT flow_id, flow_time, locale, dnt, timestamp, day FROM fxa_test.flow_events ORDER BY flow_id, flow_time',
  );
  assert.equal(rows.length, 4);
  assert.deepEqual(
    rows.map((r) => [r.flow_id, r.flow_time, r.locale, r.dnt]),
    [
      ['a1', 0, 'en-US', false],
      ['a1', 1530, "fr-FR'; DROP TABLE x;--", true],
      ['b2', 9007199254740991, 'zh-CN 中文', null],
      ['c3', 7, null, false],
    ],
  );
  // Spark sends timestamps and dates as text in column-based results (session time zone UTC)
  assert.equal(String(rows[1].timestamp), '2017-03-31 23:59:59.999');
  assert.equal(rows[3].timestamp, null);
  assert.equal(String(rows[2].day), '2017-04-01');
  const [agg] = await wh.query("SELECT count(*) AS n, sum(flow_time) AS total FROM fxa_test.flow_events WHERE flow_id = 'a1'");
  assert.deepEqual([agg.n, agg.total], [2, 1530]);
});

test('query: a Spark error reaches the caller with its message', { skip: unavailable ?? false }, async () => {
  await assert.rejects(() => wh.query('SELECT * FROM fxa_test.no_such_table'), /TABLE_OR_VIEW_NOT_FOUND|no_such_table/);
});

test('query: values are never spliced — bound parameters need a server that binds them', { skip: unavailable ?? false }, async () => {
  // Open-source Spark's Thrift protocol has no parameter field (a Databricks
  // extension), so the marker stays unbound and Spark refuses the statement.
  await assert.rejects(() => wh.query('SELECT ? AS x', ["'; DROP TABLE fxa_test.flow_events;--"]), /UNBOUND_SQL_PARAMETER|parameter/i);
  const [{ n }] = await wh.query('SELECT count(*) AS n FROM fxa_test.flow_events');
  assert.equal(n, 4);
});

test('columns: the live columns in table order, through GetColumns', { skip: unavailable ?? false }, async () => {
  const cols = await wh.columns('fxa_test.flow_events');
  assert.deepEqual(
    cols.map((c) => [c.name, c.type]),
    [
      ['flow_id', 'STRING'],
      ['flow_time', 'BIGINT'],
      ['locale', 'STRING'],
      ['dnt', 'BOOLEAN'],
      ['timestamp', 'TIMESTAMP'],
      ['day', 'DATE'],
    ],
  );
  assert.ok(cols.every((c) => c.nullable));
  // the default schema of the client applies to a bare name
  assert.deepEqual(
    (await wh.columns('flow_events')).map((c) => c.name),
    cols.map((c) => c.name),
  );
});

test('columns: a missing table has no columns; a LIKE pattern does not match other tables', { skip: unavailable ?? false }, async () => {
  await wh.query('CREATE TABLE IF NOT EXISTS fxa_test.flowXevents (x INT) USING parquet');
  assert.deepEqual(await wh.columns('fxa_test.no_such_table'), []);
  // `_` is a LIKE wildcard in GetColumns' pattern: flow_events must not pick up flowXevents
  assert.deepEqual(
    (await wh.columns('fxa_test.flowXevents')).map((c) => c.name),
    ['x'],
  );
  assert.equal((await wh.columns('fxa_test.flow_events')).length, 6);
});

test('sample: at most `limit` rows; a bad limit is refused before any SQL', { skip: unavailable ?? false }, async () => {
  assert.equal((await wh.sample('fxa_test.flow_events', 2)).length, 2);
  assert.equal((await wh.sample('fxa_test.flow_events', 0)).length, 0);
  assert.equal((await wh.sample('flow_events', 100)).length, 4);
  await assert.rejects(() => wh.sample('fxa_test.flow_events', 1.5), /whole number/);
  await assert.rejects(() => wh.sample('fxa_test.flow_events', -1), /whole number/);
});

test('rowCount: the rows of a table, in the session schema or a named one', { skip: unavailable ?? false }, async () => {
  assert.equal(await wh.rowCount('fxa_test.flow_events'), 4);
  assert.equal(await wh.rowCount('flow_events'), 4);
  await assert.rejects(() => wh.rowCount('fxa_test.no_such_table'), /no_such_table/i);
});

test(
  'uploadRawZone sends exactly the planned statements (Spark, having no volumes, refuses the PUT)',
  { skip: unavailable ?? false },
  async () => {
    const raw = join(dir, 'raw');
    mkdirSync(join(raw, 'flow_events', 'day=2017-03-30'), { recursive: true });
    writeFileSync(join(raw, 'flow_events', 'day=2017-03-30', 'L1.parquet'), '');
    const plan = rawZoneUploadPlan(raw, '/Volumes/fxa/raw/zone');
    const sent = proxy.statements.length;
    await assert.rejects(() => wh.uploadRawZone(raw, '/Volumes/fxa/raw/zone'), /PUT|PARSE_SYNTAX_ERROR|syntax/i);
    assert.deepEqual(proxy.statements.slice(sent), [plan.puts[0].sql]);
  },
);

test('the proxy translated only the protocol details it exists for', { skip: unavailable ?? false }, () => {
  assert.equal(proxy.translated.openSessionProtocol, 1);
  assert.ok(proxy.translated.resultFormat >= 1);
  assert.ok(proxy.translated.columnPositions >= 1);
  assert.ok(proxy.calls.includes('ExecuteStatement'));
  assert.ok(proxy.calls.includes('GetColumns'));
  assert.ok(proxy.calls.includes('FetchResults'));
});

test('without the translations Spark refuses the driver; with Bearer auth its servlet fails', { skip: unavailable ?? false }, async () => {
  const plain = await startCompatProxy({
    upstreamSocket: server.socketPath,
    upstreamCa: server.caCert,
    pfx: server.pfx,
    passphrase: server.passphrase,
    translate: false,
  });
  try {
    await assert.rejects(() => open(plain), /Required field 'client_protocol' is unset/);
    // default token auth: `Authorization: Bearer …`, which Spark's servlet decodes as Basic
    await assert.rejects(() => open(proxy, { auth: undefined, token: 'dapi-not-a-real-token' }), /500/);
  } catch (e) {
    process.stderr.write(tail(server.logFile) + '\n');
    throw e;
  } finally {
    await plain.close();
  }
});
