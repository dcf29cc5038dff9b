// The generated sample must make every KPI of issue 7 non-trivial: funnels
// with drop-offs, customs blocks and bounces among the errors, Sync flows
// that complete for new and existing accounts, several OSes and multi-device
// users. The run is the one `npm start` makes (scripts/start.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLogs } from '../../../scripts/generator/index.ts';
import { classifyLine } from '../../../scripts/loader/rules.ts';
import { parseUserAgent } from '../../../scripts/loader/user-agent.ts';
import { FUNNELS, eventSet, funnelCounts } from './funnel-steps.ts';

const SAMPLE = { start: '2017-03-01', days: 7, users: 2000, seed: 1 };

interface FlowEvent {
  event: string;
  flow_time: number;
  service?: string;
  line: string;
}

let dir: string;
/** flow_id → its events in flow_time order (exact repeats dropped) */
let flows: Map<string, FlowEvent[]>;
let activity: Array<{ uid: string; device_id?: string; userAgent?: string; day: number }>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fxa-gen-kpi-'));
  const run = await generateLogs({ out: dir, ...SAMPLE });
  flows = new Map();
  activity = [];
  const seen = new Set<string>();
  run.files.forEach((file, day) => {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (seen.has(line)) continue;
      seen.add(line);
      const c = classifyLine(line);
      if (c.kind === 'flow') {
        const f = c.fields as Record<string, any>;
        const evs = flows.get(f.flow_id) ?? flows.set(f.flow_id, []).get(f.flow_id)!;
        evs.push({ event: f.event, flow_time: f.flow_time, service: f.service, line });
      } else if (c.kind === 'activity') {
        const f = c.fields as Record<string, any>;
        activity.push({ uid: f.uid.toLowerCase(), device_id: f.device_id, userAgent: f.userAgent, day });
      }
    }
  });
  for (const evs of flows.values()) evs.sort((a, b) => a.flow_time - b.flow_time);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const all = () => [...flows.values()];
const names = (evs: FlowEvent[]) => evs.map((e) => e.event);
const has = (evs: FlowEvent[], event: string) => evs.some((e) => e.event === event);

test('the funnel helper counts a flow only up to the first step it skipped', () => {
  const steps = [['a'], ['b', 'b2'], ['c']];
  assert.deepEqual(funnelCounts(steps, [new Set(['a', 'c']), new Set(['a', 'b2', 'c']), new Set(['c'])]), [2, 1, 1]);
  assert.deepEqual([...eventSet(['flow.signin.begin', 'flow.signin.view'])], ['flow.begin', 'flow.signin.view']);
});

for (const [funnel, steps] of Object.entries(FUNNELS)) {
  test(`${funnel} funnel: flows reach every step, and drop off at several steps`, () => {
    const counts = funnelCounts(
      steps,
      all().map((evs) => eventSet(names(evs))),
    );
    const where = `${funnel}: ${counts.join(' → ')}`;
    assert.ok(
      counts.every((n) => n > 0),
      where,
    );
    const drops = counts.slice(1).filter((n, i) => n < counts[i]).length;
    assert.ok(drops >= 3, where);
  });
}

test('the sample has at least 100 password resets, begun on the reset page and from the sign-in page', () => {
  const resets = all().filter((evs) => has(evs, 'flow.reset-password.view'));
  assert.ok(resets.length >= 100, `${resets.length} resets`);
  const fromSignIn = resets.filter((evs) => evs[0].event === 'flow.signin.begin');
  const fromResetPage = resets.filter((evs) => evs[0].event === 'flow.reset-password.begin');
  assert.ok(
    fromSignIn.length > 20 && fromResetPage.length > 20,
    `${fromSignIn.length} from sign-in, ${fromResetPage.length} from the reset page`,
  );
  assert.equal(fromSignIn.length + fromResetPage.length, resets.length);
  for (const evs of fromSignIn) {
    const order = ['flow.signin.view', 'flow.signin.forgot-password', 'flow.reset-password.view'].map((e) => names(evs).indexOf(e));
    assert.ok(order[0] > 0 && order[0] < order[1] && order[1] < order[2], names(evs).join());
  }
});

test('send_code / verify_code .completed come right after their route event, and only then', () => {
  let sendCode = 0,
    verifyCode = 0;
  for (const evs of all()) {
    evs.forEach((e, i) => {
      if (e.event === 'password.forgot.send_code.completed') {
        assert.equal(evs[i - 1].event, 'route./password/forgot/send_code.200');
        sendCode++;
      }
      if (e.event === 'password.forgot.verify_code.completed') {
        assert.equal(evs[i - 1].event, 'route./password/forgot/verify_code.200');
        verifyCode++;
      }
      if (e.event === 'route./password/forgot/send_code.200') assert.equal(evs[i + 1]?.event, 'password.forgot.send_code.completed');
      if (e.event === 'route./password/forgot/verify_code.200') assert.equal(evs[i + 1]?.event, 'password.forgot.verify_code.completed');
    });
  }
  assert.ok(verifyCode > 0 && sendCode > verifyCode, `${sendCode} codes sent, ${verifyCode} verified`);
});

test('customs.blocked comes right before every 429.114, on sign-ins and sign-ups, and ends the flow', () => {
  const blocked = all().filter((evs) => has(evs, 'customs.blocked'));
  for (const evs of all()) {
    evs.forEach((e, i) => {
      if (/^route\..+\.429\.114$/.test(e.event)) assert.equal(evs[i - 1]?.event, 'customs.blocked', names(evs).join());
    });
  }
  for (const evs of blocked) {
    const i = names(evs).indexOf('customs.blocked');
    assert.match(evs[i + 1]?.event ?? '', /^route\.\/account\/(login|create)\.429\.114$/);
    assert.equal(i + 2, evs.length, 'nothing after the block');
  }
  const signIns = blocked.filter((evs) => has(evs, 'route./account/login.429.114')).length;
  const signUps = blocked.filter((evs) => has(evs, 'route./account/create.429.114')).length;
  assert.ok(signIns > 0 && signUps > 0, `${signIns} sign-ins, ${signUps} sign-ups blocked`);
  assert.ok(blocked.length < flows.size * 0.05, `${blocked.length} of ${flows.size} flows blocked`);
});

test('bounces: only on emails never clicked, in a small share of flows that then end abandoned', () => {
  for (const [template, created] of [
    ['verification', 'account.created'],
    ['confirmation', 'account.login'],
  ] as const) {
    const bounced = all().filter((evs) => has(evs, `email.${template}.bounced`));
    assert.ok(bounced.length > 0, template);
    assert.ok(bounced.length < flows.size * 0.02, `${bounced.length} ${template} bounces of ${flows.size} flows`);
    for (const evs of bounced) {
      const n = names(evs);
      assert.ok(n.indexOf(`email.${template}.sent`) < n.indexOf(`email.${template}.bounced`), n.join());
      assert.ok(has(evs, created), n.join());
      assert.ok(!has(evs, `email.${template}.clicked`) && !has(evs, 'flow.complete'), n.join());
    }
  }
});

test('the new events are lines the loader accepts as flow events', () => {
  const wanted = new Set([
    'customs.blocked',
    'email.verification.bounced',
    'email.confirmation.bounced',
    'flow.signin.forgot-password',
    'password.forgot.send_code.completed',
    'password.forgot.verify_code.completed',
  ]);
  const found = new Set<string>();
  for (const evs of all()) {
    for (const e of evs) {
      if (!wanted.has(e.event)) continue;
      const c = classifyLine(e.line);
      assert.equal(c.kind, 'flow', e.line);
      found.add(e.event);
    }
  }
  assert.deepEqual([...found].sort(), [...wanted].sort());
});

test('Sync flows complete for new and for existing accounts, and some Sync flows do not complete', () => {
  const sync = all().filter((evs) => evs[0].service === undefined || evs[0].service === 'sync');
  const completed = sync.filter((evs) => has(evs, 'flow.complete'));
  const newAccounts = completed.filter((evs) => has(evs, 'account.created')).length;
  const existing = completed.length - newAccounts;
  assert.ok(newAccounts >= 50 && existing >= 50, `${newAccounts} new, ${existing} existing`);
  assert.ok(completed.length < sync.length, `${completed.length} of ${sync.length}`);
  // flow_time of flow.complete varies (quartiles need spread)
  const times = new Set(completed.map((evs) => evs.find((e) => e.event === 'flow.complete')!.flow_time));
  assert.ok(times.size > completed.length * 0.9);
});

test('activity comes from several operating systems, and users are active on several devices on one day', () => {
  const oses = new Map<string, number>();
  const devicesByUserDay = new Map<string, Set<string>>();
  for (const a of activity) {
    const os = parseUserAgent(a.userAgent).ua_os ?? 'unknown';
    oses.set(os, (oses.get(os) ?? 0) + 1);
    if (!a.device_id) continue;
    const k = `${a.uid}|${a.day}`;
    (devicesByUserDay.get(k) ?? devicesByUserDay.set(k, new Set()).get(k)!).add(a.device_id);
  }
  const common = [...oses].filter(([, n]) => n > activity.length * 0.02).map(([os]) => os);
  assert.ok(common.length >= 4, JSON.stringify([...oses]));
  const multi = [...devicesByUserDay.values()].filter((d) => d.size >= 2).length;
  assert.ok(
    multi > devicesByUserDay.size * 0.1 && multi < devicesByUserDay.size * 0.9,
    `${multi} of ${devicesByUserDay.size} user-days multi-device`,
  );
});
