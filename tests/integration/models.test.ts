// The dbt models end to end on DuckDB: a small raw zone with hand-computed
// facts → `dbt build` (models, contracts, data tests and unit tests), and
// night-by-night incremental runs (a flow crossing midnight, a late file for
// an earlier day, a repeated night) that must end in exactly the rows of one
// full build, table by table; and a raw zone holding a key twice, or a begin
// name the loader would have normalised (neither of which the loader
// writes), failing the staging models' tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDbt } from '../../scripts/lib/dbt.ts';
import { dbtOk, MARTS, tableDifference, withWarehouses } from './models-compare.ts';
import { writeLoads, type FixtureActivity, type FixtureFlow, type FixtureLoad } from './models-raw-fixture.ts';

const hex = (seed: string, length: number) => seed.repeat(length).slice(0, length);
const ms = (iso: string) => Date.parse(iso + 'Z');

// Users, devices and flows, as the loader would write them (lower hex).
const U = hex('a1', 64); // multi-device on 03-06 thanks to a device seen 5 days earlier
const V = hex('b2', 64); // multi-device on 03-07 only once a late file arrives
const W = hex('c3', 64); // two devices on the same day
const X = hex('d4', 64); // one device only
const DEV = { x: hex('1', 32), y: hex('2', 32), p: hex('3', 32), q: hex('4', 32), r: hex('5', 32), s: hex('6', 32), t: hex('7', 32) };
const F_MID = hex('e1', 64); // begins 03-01 23:59, completes after midnight (next night)
const F_EXP = hex('e2', 64); // experiment on 03-02; its uid arrives in a late file for 03-03
const F_DAY = hex('e3', 64); // an ordinary flow on 03-06
const F_MOVE = hex('e5', 64); // the only flow begun on 03-04, until a late begin moves it to 03-03
const F_NOBEGIN = hex('e4', 64); // events but no begin: no metadata row

function flow(time: string, flowTime: number, flowId: string, type: string, extra: Partial<FixtureFlow> = {}): FixtureFlow {
  return {
    time_ms: ms(time),
    flow_time: flowTime,
    flow_id: flowId,
    type,
    uid: null,
    locale: null,
    ua_browser: null,
    ua_version: null,
    ua_os: null,
    context: null,
    entrypoint: null,
    migration: null,
    service: null,
    utm_campaign: null,
    utm_content: null,
    utm_medium: null,
    utm_source: null,
    utm_term: null,
    dnt: false,
    ...extra,
  };
}

function activity(time: string, uid: string, deviceId: string | null, extra: Partial<FixtureActivity> = {}): FixtureActivity {
  return {
    time_ms: ms(time),
    type: 'account.signed',
    uid,
    device_id: deviceId,
    service: 'sync',
    ua_browser: null,
    ua_version: null,
    ua_os: null,
    ...extra,
  };
}

// One load per night; `late` is the file for 03-03, arriving after 03-04 .. 03-08.
const night1: FixtureLoad = {
  loadId: 'n1',
  flow_events: [
    flow('2024-03-01T23:59:00', 0, F_MID, 'flow.begin', {
      context: '',
      entrypoint: 'menu',
      ua_browser: 'Firefox',
      ua_version: '123',
      ua_os: 'Linux',
      locale: 'de',
    }),
    flow('2024-03-01T23:59:30', 30000, F_MID, 'flow.have-account', { context: 'fx_desktop_v3' }),
  ],
  activity_events: [activity('2024-03-01T08:00:00', U, DEV.x), activity('2024-03-01T09:00:00', X, DEV.t)],
};
// The second night brings 03-02 and 03-04 .. 03-08 (03-03's file comes late).
const night2: FixtureLoad = {
  loadId: 'n2',
  flow_events: [
    flow('2024-03-02T00:02:00', 180000, F_MID, 'flow.complete', { uid: U, service: 'sync' }),
    flow('2024-03-02T23:50:00', 0, F_EXP, 'flow.begin', { entrypoint: 'email' }),
    flow('2024-03-02T23:55:00', 300000, F_EXP, 'flow.experiment.sendSms.treatment'),
    flow('2024-03-04T00:30:00', 3600000, F_MOVE, 'flow.begin', { service: 'late-begin-wins' }),
    flow('2024-03-06T12:00:00', 0, F_DAY, 'flow.begin', { utm_campaign: 'spring' }),
    flow('2024-03-06T12:01:00', 60000, F_DAY, 'account.created', { uid: W }),
    flow('2024-03-05T07:00:00', 5, F_NOBEGIN, 'flow.complete'),
  ],
  activity_events: [
    activity('2024-03-04T10:00:00', W, DEV.r),
    activity('2024-03-04T11:00:00', W, DEV.s),
    activity('2024-03-06T10:00:00', U, DEV.y),
    activity('2024-03-07T10:00:00', U, DEV.y),
    activity('2024-03-07T12:00:00', V, DEV.p),
    activity('2024-03-08T09:00:00', X, DEV.t),
    activity('2024-03-08T09:30:00', X, null),
  ],
};
const late: FixtureLoad = {
  loadId: 'n3',
  flow_events: [
    flow('2024-03-03T00:10:00', 1200000, F_EXP, 'flow.complete', { uid: V }),
    flow('2024-03-03T23:30:00', 0, F_MOVE, 'flow.begin', { service: 'sync' }),
  ],
  activity_events: [activity('2024-03-03T10:00:00', V, DEV.p, { service: '' }), activity('2024-03-03T10:05:00', V, DEV.q)],
};
// The same rows written again under another load: every row a duplicate key,
// which the loader never writes (it stores a key once across loads).
// The null device_id of X's event on 03-08 equals the null of its copy.
const lateAgain: FixtureLoad = {
  ...late,
  loadId: 'n4',
  activity_events: [...(late.activity_events ?? []), activity('2024-03-08T09:30:00', X, null)],
};

/** sample_id as docs/analysts.md defines it: the uid's first 8 hex digits, mod 100. */
const sampleId = (uid: string) => Number.parseInt(uid.slice(0, 8), 16) % 100;

test('models: hand-computed facts, and nightly incremental runs equal a full build', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'fxa-models-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const full = join(root, 'full');
  const nightly = join(root, 'nightly');

  await writeLoads(full, [night1, night2, late]);
  const fullBuild = (async () => {
    const built = await dbtOk(full, ['build']);
    // A day in another format is refused by name, and changes nothing.
    const badVars = await runDbt(['run', '--select', 'flow_events'], { dataDir: full, vars: { from: '03/01/2024' } });
    return { built, badVars };
  })();

  const nights = (async () => {
    // The last step runs the late night again with nothing new.
    const steps: Array<[FixtureLoad | null, string, string]> = [
      [night1, '2024-03-01', '2024-03-01'],
      [night2, '2024-03-02', '2024-03-08'],
      [late, '2024-03-03', '2024-03-03'],
      [null, '2024-03-03', '2024-03-03'],
    ];
    for (const [load, from, to] of steps) {
      if (load) await writeLoads(nightly, [load]);
      // Models and seeds (the KPI funnels read one), as a night's `dbt build` does.
      await dbtOk(nightly, ['build', '--resource-type', 'seed', '--resource-type', 'model'], { from, to });
    }
  })();
  const [{ built, badVars }] = await Promise.all([fullBuild, nights]);
  assert.notEqual(badVars.exitCode, 0);
  assert.match(badVars.stdout, /var 'from' must be a day YYYY-MM-DD, got '03\/01\/2024'/);
  const unitTests = built.runResults?.results.filter((r) => r.unique_id.startsWith('unit_test.')) ?? [];
  assert.ok(unitTests.filter((r) => r.status === 'pass').length >= 10, 'dbt build ran and passed the unit tests');

  await withWarehouses({ f: full, n: nightly }, async (q) => {
    await t.test('flow_metadata: a flow crossing midnight, with fallbacks', async () => {
      const rows = await q(`select * from f.main.flow_metadata order by begin_time`);
      assert.deepEqual(
        rows.map((r) => r.flow_id),
        [F_MID, F_EXP, F_MOVE, F_DAY],
        'one row per flow with a begin event',
      );
      assert.deepEqual(rows[0], {
        flow_id: F_MID,
        begin_time: '2024-03-01 23:59:00',
        duration: '180000',
        completed: true,
        new_account: false,
        uid: U,
        locale: 'de',
        ua_browser: 'Firefox',
        ua_version: '123',
        ua_os: 'Linux',
        context: 'fx_desktop_v3',
        entrypoint: 'menu',
        migration: null,
        service: 'sync',
        utm_campaign: null,
        utm_content: null,
        utm_medium: null,
        utm_source: null,
        utm_term: null,
        export_date: '2024-03-01',
        sample_id: sampleId(U),
      });
      assert.equal(rows[1].uid, V, 'uid from the late file');
      assert.equal(rows[1].completed, true);
      assert.deepEqual([rows[2].export_date, rows[2].service, rows[2].duration], ['2024-03-03', 'sync', '3600000']);
      assert.equal(rows[3].new_account, true);
      assert.equal(rows[3].utm_campaign, 'spring');
    });

    await t.test('flow_experiments: experiment, cohort and the uid from a later event', async () => {
      const rows = await q(`select * from f.main.flow_experiments`);
      assert.deepEqual(rows, [
        {
          experiment: 'sendSms',
          cohort: 'treatment',
          timestamp: '2024-03-02 23:55:00',
          flow_id: F_EXP,
          uid: V,
          export_date: '2024-03-02',
          sample_id: sampleId(V),
        },
      ]);
    });

    await t.test('daily_multi_device_users: the right users on the right days', async () => {
      const rows = await q(`select cast(day as varchar) as day, uid from f.main.daily_multi_device_users order by day, uid`);
      assert.deepEqual(rows, [
        { day: '2024-03-03', uid: V }, // p and q on the same day
        { day: '2024-03-04', uid: W }, // r and s on the same day
        { day: '2024-03-06', uid: U }, // x exactly 5 days earlier
        { day: '2024-03-07', uid: V }, // q seen on 03-03 (late file)
      ]);
      // U on 03-07: x is 6 days back, y is the only device: not multi-device.
    });

    await t.test('counts: every begin counted, device-less activity kept out', async () => {
      const [c] = await q(`select
          (select count(*) from f.main.flow_events) as flow_events,
          (select count(*) from f.main.flow_events where type = 'flow.begin') as begins,
          (select count(*) from f.main.activity_events) as activity_events,
          (select count(*) from f.main.daily_activity_per_device) as device_days`);
      assert.deepEqual(c, { flow_events: '11', begins: '5', activity_events: '11', device_days: '10' });
    });

    for (const table of MARTS) {
      await t.test(`nightly runs equal the full build: ${table}`, async () => {
        const d = await tableDifference(q, table, 'f', 'n');
        assert.ok(d.rowsA > 0, `${table} has rows`);
        assert.deepEqual({ onlyFull: d.onlyA, onlyNightly: d.onlyB }, { onlyFull: 0, onlyNightly: 0 });
      });
    }
  });
});

test('a key stored twice in the raw zone fails the staging uniqueness tests, on the nights that rebuild its day', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fxa-models-dup-'));
  try {
    await writeLoads(root, [night1, night2, late, lateAgain]);
    /** The status and failure count of each staging model's unique_combination test. */
    const uniqueness = async (vars?: Record<string, string>) => {
      const run = await runDbt(['build', '--select', 'staging'], { dataDir: root, vars });
      const tests = (run.runResults?.results ?? []).filter(
        (r) => r.unique_id.startsWith('test.') && r.unique_id.includes('unique_combination'),
      );
      const byModel = Object.fromEntries(
        tests.map((r) => [r.unique_id.includes('stg_flow_events') ? 'flow' : 'activity', `${r.status} ${r.failures}`]),
      );
      return { exitCode: run.exitCode, byModel };
    };
    // Copied keys: two flow and two activity events on 03-03, one activity
    // event (null device_id) on 03-08.
    const full = await uniqueness();
    assert.notEqual(full.exitCode, 0);
    assert.deepEqual(full.byModel, { flow: 'fail 2', activity: 'fail 3' });
    assert.deepEqual((await uniqueness({ from: '2024-03-03', to: '2024-03-03' })).byModel, { flow: 'fail 2', activity: 'fail 2' });
    assert.deepEqual((await uniqueness({ from: '2024-03-08', to: '2024-03-08' })).byModel, { flow: 'pass 0', activity: 'fail 1' });
    const otherNight = await uniqueness({ from: '2024-03-01', to: '2024-03-02' });
    assert.deepEqual(otherNight.byModel, { flow: 'pass 0', activity: 'pass 0' });
    assert.equal(otherNight.exitCode, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a begin name the loader would have normalised fails the staging test, on the nights that rebuild its day', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fxa-models-begin-'));
  try {
    const unnormalised: FixtureLoad = {
      loadId: 'n5',
      flow_events: [
        flow('2024-03-03T08:00:00', 0, F_DAY, 'flow.signin.begin'),
        flow('2024-03-03T08:00:01', 1, F_DAY, 'flow.reset.password.begin'),
        // names that only look alike are stored as they are, and pass
        flow('2024-03-05T08:00:00', 2, F_DAY, 'flow.signin.beginning'),
        flow('2024-03-05T08:00:01', 3, F_DAY, 'account.begin'),
        flow('2024-03-05T08:00:02', 4, F_DAY, 'flow.begin'),
      ],
    };
    await writeLoads(root, [night1, unnormalised]);
    const beginTest = async (vars?: Record<string, string>) => {
      const run = await runDbt(['build', '--select', 'staging'], { dataDir: root, vars });
      const [r] = (run.runResults?.results ?? []).filter((x) => x.unique_id.includes('stg_flow_events_begin_names_normalised'));
      return { exitCode: run.exitCode, result: r ? `${r.status} ${r.failures}` : 'not run' };
    };
    assert.deepEqual(await beginTest(), { exitCode: 1, result: 'fail 2' });
    assert.deepEqual((await beginTest({ from: '2024-03-03', to: '2024-03-03' })).result, 'fail 2');
    assert.deepEqual(await beginTest({ from: '2024-03-05', to: '2024-03-05' }), { exitCode: 0, result: 'pass 0' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
