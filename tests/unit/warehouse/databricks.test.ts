// What the Databricks client sends without a workspace to send it to: the
// exact statements of a raw-zone upload, its configuration from the
// environment, and the quoting of names and paths. (Queries, columns and
// sample run against a real Spark Thrift Server in tests/spark.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  databricksConfigFromEnv,
  quoteIdent,
  qualifiedTableName,
  quotePath,
  rawZoneUploadPlan,
} from '../../../scripts/lib/warehouse/databricks.ts';
import { readUploaded, recordUploaded } from '../../../scripts/orchestration/upload.ts';
import { CliError } from '../../../scripts/lib/errors.ts';
import { redact } from '../../../scripts/lib/secrets.ts';

function rawZone(): string {
  const raw = join(mkdtempSync(join(tmpdir(), 'fxa-dbx-')), 'raw');
  const files = [
    'flow_events/day=1970-01-01/_empty.parquet',
    'flow_events/day=2017-03-31/L2.parquet',
    'flow_events/day=2017-03-30/L1.parquet',
    'activity_events/day=1970-01-01/_empty.parquet',
    'activity_events/day=2017-03-30/L1.parquet',
    "flow_events/day=2017-04-01/it's.parquet",
    'flow_events/day=2017-04-01/notes.txt',
  ];
  for (const f of files) {
    mkdirSync(join(raw, f, '..'), { recursive: true });
    writeFileSync(join(raw, f), '');
  }
  return raw;
}

test('upload plan: one staging PUT per Parquet file, then COPY INTO each raw table', () => {
  const raw = rawZone();
  try {
    const plan = rawZoneUploadPlan(raw, '/Volumes/fxa/raw/zone/', 'fxa');
    assert.deepEqual(
      plan.puts.map((p) => p.sql),
      [
        `PUT '${raw}/flow_events/day=1970-01-01/_empty.parquet' INTO '/Volumes/fxa/raw/zone/flow_events/day=1970-01-01/_empty.parquet' OVERWRITE`,
        `PUT '${raw}/flow_events/day=2017-03-30/L1.parquet' INTO '/Volumes/fxa/raw/zone/flow_events/day=2017-03-30/L1.parquet' OVERWRITE`,
        `PUT '${raw}/flow_events/day=2017-03-31/L2.parquet' INTO '/Volumes/fxa/raw/zone/flow_events/day=2017-03-31/L2.parquet' OVERWRITE`,
        `PUT '${raw}/flow_events/day=2017-04-01/it\\'s.parquet' INTO '/Volumes/fxa/raw/zone/flow_events/day=2017-04-01/it\\'s.parquet' OVERWRITE`,
        `PUT '${raw}/activity_events/day=1970-01-01/_empty.parquet' INTO '/Volumes/fxa/raw/zone/activity_events/day=1970-01-01/_empty.parquet' OVERWRITE`,
        `PUT '${raw}/activity_events/day=2017-03-30/L1.parquet' INTO '/Volumes/fxa/raw/zone/activity_events/day=2017-03-30/L1.parquet' OVERWRITE`,
      ],
    );
    assert.deepEqual(plan.copies, [
      'CREATE SCHEMA IF NOT EXISTS `fxa`.`raw`',
      'CREATE TABLE IF NOT EXISTS `fxa`.`raw`.`flow_events`',
      "COPY INTO `fxa`.`raw`.`flow_events` FROM (SELECT *, cast(regexp_extract(_metadata.file_path, 'day=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) AS DATE) AS day " +
        "FROM '/Volumes/fxa/raw/zone/flow_events') FILEFORMAT = PARQUET PATTERN = 'day=*/*.parquet' COPY_OPTIONS ('mergeSchema' = 'true')",
      'CREATE SCHEMA IF NOT EXISTS `fxa`.`raw`',
      'CREATE TABLE IF NOT EXISTS `fxa`.`raw`.`activity_events`',
      "COPY INTO `fxa`.`raw`.`activity_events` FROM (SELECT *, cast(regexp_extract(_metadata.file_path, 'day=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) AS DATE) AS day " +
        "FROM '/Volumes/fxa/raw/zone/activity_events') FILEFORMAT = PARQUET PATTERN = 'day=*/*.parquet' COPY_OPTIONS ('mergeSchema' = 'true')",
    ]);
  } finally {
    rmSync(join(raw, '..'), { recursive: true, force: true });
  }
});

test('upload plan: files uploaded before are not sent again; the copies still run', () => {
  const raw = rawZone();
  try {
    const before = new Set(['flow_events/day=1970-01-01/_empty.parquet', 'flow_events/day=2017-03-30/L1.parquet']);
    const plan = rawZoneUploadPlan(raw, '/Volumes/fxa/raw/zone', 'fxa', before);
    assert.deepEqual(
      plan.puts.map((p) => p.relativePath),
      [
        'flow_events/day=2017-03-31/L2.parquet',
        "flow_events/day=2017-04-01/it's.parquet",
        'activity_events/day=1970-01-01/_empty.parquet',
        'activity_events/day=2017-03-30/L1.parquet',
      ],
    );
    assert.equal(plan.copies.length, 6);
  } finally {
    rmSync(join(raw, '..'), { recursive: true, force: true });
  }
});

test('uploaded-file list: kept per volume in the data dir, merged across nights', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fxa-upl-'));
  try {
    assert.deepEqual([...readUploaded(dataDir, '/Volumes/c/s/v')], []);
    recordUploaded(dataDir, '/Volumes/c/s/v', ['b/x.parquet', 'a/y.parquet']);
    recordUploaded(dataDir, '/Volumes/c/s/v/', ['c/z.parquet', 'a/y.parquet']);
    assert.deepEqual([...readUploaded(dataDir, '/Volumes/c/s/v')], ['a/y.parquet', 'b/x.parquet', 'c/z.parquet']);
    assert.deepEqual([...readUploaded(dataDir, '/Volumes/c/s/other')], []);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('upload plan: without a catalog the session default is used; an empty raw zone still creates the tables', () => {
  const empty = mkdtempSync(join(tmpdir(), 'fxa-dbx-'));
  try {
    const plan = rawZoneUploadPlan(empty, '/Volumes/c/s/v');
    assert.deepEqual(plan.puts, []);
    assert.equal(plan.copies[1], 'CREATE TABLE IF NOT EXISTS `raw`.`flow_events`');
    assert.match(plan.copies[2], /^COPY INTO `raw`.`flow_events` FROM .* FROM '\/Volumes\/c\/s\/v\/flow_events'\)/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('upload plan: a volume path that is not a Unity Catalog volume is a usage error', () => {
  for (const bad of ['/tmp/raw', 'Volumes/c/s/v', '/Volumes/c/s', 'dbfs:/Volumes/c/s/v']) {
    assert.throws(
      () => rawZoneUploadPlan('/nonexistent', bad),
      (e: unknown) => e instanceof CliError && e.exitCode === 2 && /\/Volumes\/<catalog>/.test(e.message),
      bad,
    );
  }
});

test('quoting: identifiers in backticks, paths as Spark string literals', () => {
  assert.equal(quoteIdent('flow_events'), '`flow_events`');
  assert.equal(quoteIdent('we`ird'), '`we``ird`');
  assert.equal(qualifiedTableName('flow_events', 'main'), '`main`.`flow_events`', 'a bare name is in the marts schema');
  assert.equal(qualifiedTableName('raw.flow_events', 'main'), '`raw`.`flow_events`');
  assert.equal(qualifiedTableName('we`ird', 'my`schema'), '`my``schema`.`we``ird`');
  assert.equal(quotePath("/a/it's"), "'/a/it\\'s'");
  assert.equal(quotePath('/a\\b'), "'/a\\\\b'");
});

test('config from the environment: host, path and token are required, the token is redacted', () => {
  assert.throws(
    () => databricksConfigFromEnv({ DATABRICKS_HOST: 'h' }),
    (e: unknown) => e instanceof CliError && e.exitCode === 2 && /DATABRICKS_HTTP_PATH, DATABRICKS_TOKEN/.test(e.message),
  );
  const token = 'dapi0123456789abcdef';
  const c = databricksConfigFromEnv({
    DATABRICKS_HOST: 'https://dbc-1.cloud.databricks.com/',
    DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/abc',
    DATABRICKS_TOKEN: token,
    DATABRICKS_CATALOG: 'fxa',
  });
  assert.deepEqual(c, {
    host: 'dbc-1.cloud.databricks.com',
    path: '/sql/1.0/warehouses/abc',
    token,
    catalog: 'fxa',
    schema: 'main',
  });
  assert.equal(redact(`token=${token}`), 'token=[redacted]');
});
