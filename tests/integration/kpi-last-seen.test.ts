// users_last_seen and users_os_last_seen (28-day bit patterns) on 45 days of
// generated logs, with the real loader, dbt and DuckDB: (a) the full build
// equals the patterns computed directly from activity_events,
// daily_multi_device_users and flow_events by a calendar join (not by
// shifting a day's partition); (b) night by night, with a late day whose
// bits reach neither end of the data and a re-run, ends in the same rows;
// (c) sample_id is the documented function of the uid in every table, and
// spread over 0 .. 99; (d) the example queries of docs/analysts.md and
// docs/kpis.md run on it and return rows. (The engagement KPI built on these
// tables is checked in kpi-models.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { dbtOk, withWarehouses } from './models-compare.ts';
import { fullAndNightly } from './kpi-nights.ts';
import { rowDifference, SAMPLED_TABLES } from '../lib/marts.ts';
import { projectRoot } from './nightly-helpers.ts';

const HMAC_KEY = 'last-seen-test-key';
const LAST_SEEN_TABLES = ['users_last_seen', 'users_os_last_seen'];

/** The SQL blocks of a doc marked to be run (```sql example), in order. */
function docExamples(doc: string): string[] {
  const text = readFileSync(join(projectRoot, doc), 'utf8');
  return [...text.matchAll(/^```sql example\n([\s\S]*?)^```$/gm)].map((m) => m[1].trim());
}

/** The documented sample_id: the uid's first 8 hex digits as a number, mod 100. */
const documentedSampleId = (uid: string) => Number.parseInt(uid.slice(0, 8), 16) % 100;

// The patterns the plain way: every calendar day from the first to the last
// day with activity, joined with every seen day of the 28 days ending it;
// bit k is 2^k for a day seen k days before.
const directLastSeen = (w: string) => `
  with calendar as (
    select cast(d as date) as day
    from range((select min(day) from ${w}.main.activity_events),
               (select max(day) from ${w}.main.activity_events) + interval 1 day, interval 1 day) as t(d)
  ),
  seen as (
    select distinct uid, day, 'activity' as kind from ${w}.main.activity_events
    union all select distinct uid, day, 'multi' from ${w}.main.daily_multi_device_users
    union all select distinct uid, day, 'flow' from ${w}.main.flow_events where uid is not null
  ),
  spread as (
    select calendar.day, seen.uid, seen.kind, datediff('day', seen.day, calendar.day) as ago
    from calendar join seen on seen.day between calendar.day - 27 and calendar.day
  ),
  patterns as (
    select day, uid,
      cast(sum(case when kind = 'activity' then 2 ** ago else 0 end) as integer) as days_seen_bits,
      cast(sum(case when kind = 'multi' then 2 ** ago else 0 end) as integer) as days_seen_multi_device_bits,
      cast(sum(case when kind = 'flow' then 2 ** ago else 0 end) as integer) as days_seen_flow_bits,
      cast(min(case when kind = 'activity' then ago end) as integer) as days_since_seen,
      cast(min(case when kind = 'multi' then ago end) as integer) as days_since_multi_device
    from spread group by day, uid
  ),
  day_os as (select uid, day, max(ua_os) as ua_os from ${w}.main.activity_events group by uid, day)
  select patterns.day, patterns.uid, days_seen_bits, days_seen_multi_device_bits, days_seen_flow_bits,
         days_since_seen, days_since_multi_device, day_os.ua_os
  from patterns left join day_os
    on day_os.uid = patterns.uid and day_os.day = patterns.day - cast(patterns.days_since_seen as integer)`;

const directOsLastSeen = (w: string) => `
  with calendar as (
    select cast(d as date) as day
    from range((select min(day) from ${w}.main.activity_events),
               (select max(day) from ${w}.main.activity_events) + interval 1 day, interval 1 day) as t(d)
  ),
  seen as (select distinct uid, ua_os, day from ${w}.main.activity_events)
  select calendar.day, seen.uid, seen.ua_os,
         cast(sum(2 ** datediff('day', seen.day, calendar.day)) as integer) as days_seen_bits
  from calendar join seen on seen.day between calendar.day - 27 and calendar.day
  group by calendar.day, seen.uid, seen.ua_os`;

test('users_last_seen: equal to a direct computation, nights equal a full build, sample_id', async (t) => {
  const { full, nightly } = await fullAndNightly(t, { prefix: 'last-seen', hmacKey: HMAC_KEY, seed: 7 });
  const compiledSampleId = (
    await dbtOk(full, ['compile', '--quiet', '--inline', "select {{ sample_id('uid') }} as sample_id from uids"])
  ).stdout.trim();

  await withWarehouses({ f: full, n: nightly }, async (q) => {
    await t.test('the data exercises every bit: 28-day patterns, multi-device and flow bits, gaps', async () => {
      const [s] = await q(`select
          max(days_since_seen) as oldest, count(*) filter (where days_seen_multi_device_bits <> 0) as multi,
          count(*) filter (where days_seen_flow_bits <> 0 and days_seen_bits = 0) as flow_only,
          count(*) filter (where days_seen_bits & 1 = 0 and days_seen_bits <> 0) as inactive_today,
          count(distinct ua_os) as oses, count(distinct day) as days
        from f.main.users_last_seen`);
      assert.ok(Number(s.oldest) > 7, `oldest: ${s.oldest}`);
      assert.ok(Number(s.multi) > 0 && Number(s.inactive_today) > 0 && Number(s.oses) >= 3, JSON.stringify(s));
      assert.equal(Number(s.days), 45);
    });

    await t.test('users_last_seen equals the direct computation', async () => {
      const d = await rowDifference(q, `select * exclude (sample_id) from f.main.users_last_seen`, directLastSeen('f'));
      assert.ok(d.rowsA > 1000, `rows: ${d.rowsA}`);
      assert.deepEqual({ onlyModel: d.onlyA, onlyDirect: d.onlyB }, { onlyModel: 0, onlyDirect: 0 });
    });

    await t.test('users_os_last_seen equals the direct computation', async () => {
      const d = await rowDifference(q, `select day, uid, ua_os, days_seen_bits from f.main.users_os_last_seen`, directOsLastSeen('f'));
      assert.ok(d.rowsA > 1000, `rows: ${d.rowsA}`);
      assert.deepEqual({ onlyModel: d.onlyA, onlyDirect: d.onlyB }, { onlyModel: 0, onlyDirect: 0 });
    });

    await t.test('the direct computation tells a changed bit apart', async () => {
      const tampered = `select * exclude (sample_id) replace (
          case when day = date '2024-01-20' and days_seen_bits > 1 then xor(days_seen_bits, 2) else days_seen_bits end as days_seen_bits)
        from f.main.users_last_seen`;
      const d = await rowDifference(q, tampered, directLastSeen('f'));
      assert.ok(d.onlyA > 0 && d.onlyA === d.onlyB, JSON.stringify(d));
    });

    for (const table of LAST_SEEN_TABLES) {
      await t.test(`nightly runs equal the full build: ${table}`, async () => {
        const d = await rowDifference(q, `select * from f.main.${table}`, `select * from n.main.${table}`);
        assert.ok(d.rowsA > 0);
        assert.deepEqual({ onlyFull: d.onlyA, onlyNightly: d.onlyB }, { onlyFull: 0, onlyNightly: 0 });
      });
    }

    await t.test('sample_id is the documented function of the uid, the same in every table', async () => {
      const tables = await q(`select table_name from duckdb_columns()
          where database_name = 'f' and schema_name = 'main' and column_name = 'sample_id' order by table_name`);
      assert.deepEqual(
        tables.map((r) => r.table_name),
        [...SAMPLED_TABLES].sort(),
        'the tables whose contract has a sample_id (schemas/tables/)',
      );
      const withUid = await q(`select table_name from duckdb_columns()
          where database_name = 'f' and schema_name = 'main' and column_name = 'uid' order by table_name`);
      assert.deepEqual(withUid, tables, 'every table with a uid has a sample_id');
      const pairs = await q(tables.map((r) => `select distinct uid, sample_id from f.main.${r.table_name}`).join(' union '));
      assert.ok(pairs.length > 40);
      for (const { uid, sample_id } of pairs) {
        if (uid === null) assert.equal(sample_id, null);
        else assert.equal(sample_id, documentedSampleId(String(uid)), String(uid));
      }
    });
  });

  await withWarehouses({ f: full }, async (q) => {
    await q('use f');
    for (const doc of ['docs/analysts.md', 'docs/kpis.md']) {
      const examples = docExamples(doc);
      await t.test(`the example queries of ${doc} run and return rows`, async () => {
        assert.ok(examples.length >= (doc === 'docs/kpis.md' ? 1 : 5), `${doc}: ${examples.length} examples`);
        for (const sql of examples) {
          const rows = await q(sql);
          assert.ok(rows.length > 0, `no rows from:\n${sql}`);
        }
      });
    }
    await t.test('the engagement ratio example of docs/kpis.md equals the table', async () => {
      const [example] = docExamples('docs/kpis.md');
      const d = await rowDifference(
        q,
        example,
        `select day, engagement_ratio from kpi_engagement_daily where breakdown = 'all' order by day`,
      );
      assert.ok(d.rowsA > 40);
      assert.deepEqual([d.onlyA, d.onlyB], [0, 0]);
    });
  });

  await t.test('sample_id spreads 10 000 HMACed uids over every value 0 .. 99', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      await conn.run('create table uids (uid varchar)');
      const appender = await conn.createAppender('uids');
      const uids = Array.from({ length: 10_000 }, (_, i) => createHmac('sha256', HMAC_KEY).update(`user-${i}`).digest('hex'));
      for (const uid of uids) {
        appender.appendVarchar(uid);
        appender.endRow();
      }
      appender.closeSync();
      const rows = (await conn.runAndReadAll(compiledSampleId)).getRowObjectsJS();
      assert.deepEqual(
        rows.map((r) => r.sample_id),
        uids.map(documentedSampleId),
        'the macro is the documented function',
      );
      const counts = new Map<number, number>();
      for (const r of rows) counts.set(Number(r.sample_id), (counts.get(Number(r.sample_id)) ?? 0) + 1);
      assert.deepEqual(
        [...counts.keys()].sort((a, b) => a - b),
        Array.from({ length: 100 }, (_, i) => i),
      );
      // 100 expected per value; 5 standard deviations (about 10 each) either side.
      for (const [v, n] of counts) assert.ok(n > 50 && n < 150, `sample_id ${v}: ${n} users`);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
