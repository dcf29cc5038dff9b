import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { generateLogs, usersForLines, type GenerateResult } from '../../../scripts/generator/index.ts';
import { classify, type ClassifiedLine } from './line-rules.ts';

const START = '2017-03-01';
const DAYS = 3;
const USERS = 1000;
const SEED = 7;
const DAY_MS = 86_400_000;
const START_MS = Date.parse(`${START}T00:00:00Z`);

let dir: string;
let run: GenerateResult;
/** every line of the run, with the day of the file it is in */
let lines: Array<{ text: string; fileDay: number; c: ClassifiedLine }>;

function readLines(files: string[]): string[][] {
  return files.map((f) => {
    const text = readFileSync(f, 'utf8');
    assert.ok(text.endsWith('\n'), `${f} ends with a newline`);
    return text.slice(0, -1).split('\n');
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fxa-gen-'));
  run = await generateLogs({ out: join(dir, 'a'), start: START, days: DAYS, users: USERS, seed: SEED });
  lines = readLines(run.files).flatMap((ls, day) => ls.map((text) => ({ text, fileDay: day, c: classify(text) })));
});

after(() => rmSync(dir, { recursive: true, force: true }));

const flowLines = () => lines.filter((l) => l.c.kind === 'flow');
const activityLines = () => lines.filter((l) => l.c.kind === 'activity');
const fields = (l: { c: ClassifiedLine }) => l.c.envelope!.Fields as Record<string, any>;

/** Valid flow events grouped by flow_id, each event once (exact repeats dropped). */
function flows(): Map<string, Array<Record<string, any> & { fileDay: number }>> {
  const seen = new Set<string>();
  const byId = new Map<string, Array<Record<string, any> & { fileDay: number }>>();
  for (const l of flowLines()) {
    if (seen.has(l.text)) continue;
    seen.add(l.text);
    const f = fields(l);
    if (!byId.has(f.flow_id)) byId.set(f.flow_id, []);
    byId.get(f.flow_id)!.push({ ...f, fileDay: l.fileDay });
  }
  return byId;
}

test('one file per UTC day, named by the day, and no temporary files left', () => {
  assert.deepEqual(readdirSync(join(dir, 'a')).sort(), ['fxa-auth-2017-03-01.log', 'fxa-auth-2017-03-02.log', 'fxa-auth-2017-03-03.log']);
  assert.deepEqual(
    run.files.map((f) => basename(f)),
    readdirSync(join(dir, 'a')).sort(),
  );
});

test('the same seed gives identical bytes, another seed different ones', async () => {
  const again = await generateLogs({ out: join(dir, 'same'), start: START, days: DAYS, users: USERS, seed: SEED });
  const other = await generateLogs({ out: join(dir, 'other'), start: START, days: DAYS, users: USERS, seed: SEED + 1 });
  assert.deepEqual(again.linesByKind, run.linesByKind);
  for (let i = 0; i < DAYS; i++) {
    assert.ok(readFileSync(again.files[i]).equals(readFileSync(run.files[i])), `day ${i} identical`);
    assert.ok(!readFileSync(other.files[i]).equals(readFileSync(run.files[i])), `day ${i} differs for another seed`);
  }
});

test('counts by kind match the lines, and bytes match the files', () => {
  const n = { flow: 0, activity: 0, noise: 0, bad: 0 };
  for (const l of lines) n[l.c.kind]++;
  assert.deepEqual(run.linesByKind, n);
  assert.equal(run.lines, lines.length);
  assert.equal(
    run.bytes,
    run.files.reduce((s, f) => s + statSync(f).size, 0),
  );
  // Bad lines exist but stay well below 1 %; noise is about 5 %.
  assert.ok(n.bad > 0 && n.bad / run.lines < 0.005, `bad ${n.bad} of ${run.lines}`);
  assert.ok(n.noise / run.lines > 0.03 && n.noise / run.lines < 0.07, `noise ${n.noise} of ${run.lines}`);
  assert.ok(n.flow > 1000 && n.activity > 1000, JSON.stringify(n));
});

test('every line but the counted bad ones is JSON; bad lines are the only rejects', () => {
  const notJson = lines.filter((l) => l.c.reason === 'not json').length;
  const bad = lines.filter((l) => l.c.kind === 'bad').length;
  assert.equal(bad, run.linesByKind.bad);
  assert.ok(notJson <= bad);
  for (const l of lines) if (l.c.kind !== 'bad') JSON.parse(l.text);
});

test('metrics lines are mozlog envelopes as the contract shows them', () => {
  for (const l of [...flowLines(), ...activityLines()]) {
    const m =
      /^\{"Timestamp":(\d{19}),"Logger":"(fxa-auth-server|fxa-content-server)","Type":"(flowEvent|activityEvent)","Severity":6,"Pid":\d+,"EnvVersion":"2\.0","Fields":\{/.exec(
        l.text,
      );
    assert.ok(m, l.text);
    const f = fields(l);
    const tsMs = BigInt(m[1]) / 1_000_000n;
    const timeMs = f.time ?? Number(tsMs);
    // Timestamp lies within the event's millisecond.
    assert.equal(tsMs, BigInt(timeMs), l.text);
    if (m[3] === 'activityEvent') assert.equal(m[2], 'fxa-auth-server');
  }
});

test('flow events: 64 hex flow_id, integer flow_time ≥ 0 and time, 32 hex uid when present', () => {
  let withUid = 0;
  for (const l of flowLines()) {
    const f = fields(l);
    assert.match(f.flow_id, /^[0-9a-f]{64}$/);
    assert.ok(Number.isInteger(f.flow_time) && f.flow_time >= 0);
    assert.ok(Number.isInteger(f.time));
    if (f.uid !== undefined) {
      assert.match(f.uid, /^[0-9a-f]{32}$/);
      withUid++;
    }
  }
  assert.ok(withUid > 0);
});

test('within a flow flow_time grows with time, time = begin + flow_time, and it starts with a begin at 0', () => {
  const all = flows();
  assert.ok(all.size > 100);
  for (const [id, events] of all) {
    events.sort((a, b) => a.flow_time - b.flow_time);
    const begin = events[0];
    assert.match(begin.event, /^flow\.[^.]+\.begin$/, id);
    assert.equal(begin.flow_time, 0, id);
    for (let i = 0; i < events.length; i++) {
      assert.equal(events[i].time, begin.time + events[i].flow_time, id);
      if (i > 0) assert.ok(events[i].flow_time > events[i - 1].flow_time, `${id}: two events at flow_time ${events[i].flow_time}`);
    }
    const uids = new Set(events.filter((e) => e.uid).map((e) => e.uid));
    assert.ok(uids.size <= 1, id);
  }
});

test('every line is in the file of the UTC day of its time', () => {
  for (const l of lines) {
    if (!l.c.envelope) continue;
    const f = fields(l);
    const m = /^\{"Timestamp":(\d+)/.exec(l.text)!;
    const t = typeof f.time === 'number' && l.c.kind !== 'noise' ? f.time : Number(BigInt(m[1]) / 1_000_000n);
    assert.equal(Math.floor((t - START_MS) / DAY_MS), l.fileDay, l.text);
  }
});

test('some flows cross midnight: their events are in two day files', () => {
  const crossing = [...flows().values()].filter((evs) => new Set(evs.map((e) => e.fileDay)).size > 1);
  assert.ok(crossing.length > 0);
  for (const evs of crossing) assert.ok(evs.every((e) => e.fileDay < DAYS));
});

test('flows are of several kinds: sign-in, sign-up, reset, completed and abandoned', () => {
  const names = new Set(flowLines().map((l) => fields(l).event as string));
  for (const e of [
    'flow.signin.begin',
    'flow.signup.begin',
    'flow.reset-password.begin',
    'flow.force_auth.begin',
    'flow.signin.view',
    'flow.signin.engage',
    'flow.signin.submit',
    'route./account/login.200',
    'account.created',
    'account.login',
    'account.verified',
    'email.verification.sent',
    'email.verification.clicked',
    'flow.complete',
  ])
    assert.ok(names.has(e), e);
  assert.ok(
    [...names].some((e) => /^route\.\/account\/(login|create)\.4\d\d\.\d+$/.test(e)),
    'a route event with status and errno',
  );
  const all = [...flows().values()];
  const completed = all.filter((evs) => evs.some((e) => e.event === 'flow.complete')).length;
  assert.ok(completed > all.length * 0.3 && completed < all.length, `${completed} of ${all.length} complete`);
});

test('some flows are in experiments (several, with 2–3 groups), some carry dnt on all their events', () => {
  const groups = new Map<string, Set<string>>();
  for (const l of flowLines()) {
    const m = /^flow\.experiment\.([^.]+)\.([^.]+)$/.exec(fields(l).event);
    if (m) (groups.get(m[1]) ?? groups.set(m[1], new Set()).get(m[1])!).add(m[2]);
  }
  assert.ok(groups.size >= 2, [...groups.keys()].join());
  for (const [name, g] of groups) assert.ok(g.size >= 2 && g.size <= 3, `${name}: ${[...g]}`);
  const all = [...flows().values()];
  const dnt = all.filter((evs) => evs[0].dnt === true);
  assert.ok(dnt.length > 0 && dnt.length < all.length * 0.15, `${dnt.length} of ${all.length}`);
  for (const evs of all) assert.ok(evs.every((e) => e.dnt === evs[0].dnt));
  assert.ok(all.some((evs) => evs[0].utm_campaign !== undefined));
  assert.ok(all.some((evs) => evs[0].locale === 'en-US.default'));
});

test('activity: users on several devices, device_id sometimes empty or absent, time sometimes absent, a few upper-case uids', () => {
  const devices = new Map<string, Set<string>>();
  let empty = 0,
    absent = 0,
    noTime = 0,
    upper = 0;
  for (const l of activityLines()) {
    const f = fields(l);
    if (f.uid !== f.uid.toLowerCase()) upper++;
    if (f.time === undefined) noTime++;
    if (f.device_id === '') empty++;
    else if (f.device_id === undefined) absent++;
    else (devices.get(f.uid) ?? devices.set(f.uid, new Set()).get(f.uid)!).add(f.device_id);
    assert.ok(f.service === undefined || f.service === 'sync' || f.service === '', f.service);
  }
  const multi = [...devices.values()].filter((d) => d.size >= 2).length;
  assert.ok(multi > 10, `${multi} users on several devices`);
  assert.ok([...devices.values()].every((d) => d.size <= 4));
  assert.ok(empty > 0 && absent > 0 && noTime > 0 && upper > 0, JSON.stringify({ empty, absent, noTime, upper }));
});

test('the only duplicate keys are the exact repeats the run reports', () => {
  const keys = new Set<string>();
  const texts = new Set<string>();
  let repeats = 0;
  for (const l of [...flowLines(), ...activityLines()]) {
    if (texts.has(l.text)) {
      repeats++;
      continue;
    }
    texts.add(l.text);
    const f = fields(l);
    const key =
      l.c.kind === 'flow'
        ? [f.flow_id, String(f.event).replace(/^flow\.[^.]+\.begin$/, 'flow.begin'), f.flow_time, f.time].join('|')
        : [
            f.uid.toLowerCase(),
            f.event,
            f.device_id || '',
            f.service ?? '\u0000',
            f.time ?? Number(BigInt(/^\{"Timestamp":(\d+)/.exec(l.text)![1]) / 1_000_000n),
          ].join('|');
    assert.ok(!keys.has(key), `accidental duplicate ${key}`);
    keys.add(key);
  }
  assert.equal(repeats, run.repeatedLines);
  assert.ok(repeats > 0);
});

test('--gzip writes the same lines compressed', async () => {
  const gz = await generateLogs({ out: join(dir, 'gz'), start: START, days: DAYS, users: USERS, seed: SEED, gzip: true });
  assert.deepEqual(
    gz.files.map((f) => basename(f)),
    run.files.map((f) => basename(f) + '.gz'),
  );
  assert.deepEqual(gz.linesByKind, run.linesByKind);
  assert.equal(gz.bytes, run.bytes);
  for (let i = 0; i < DAYS; i++) {
    const compressed = readFileSync(gz.files[i]);
    assert.ok(compressed.length < statSync(run.files[i]).size / 3);
    assert.ok(gunzipSync(compressed).equals(readFileSync(run.files[i])), `day ${i}`);
  }
});

test('usersForLines sizes a run to about the asked number of lines', async () => {
  const users = usersForLines(20_000, 2);
  const r = await generateLogs({ out: join(dir, 'sized'), start: START, days: 2, users, seed: 1 });
  assert.ok(Math.abs(r.lines - 20_000) / 20_000 < 0.1, `${users} users gave ${r.lines} lines`);
  assert.ok(usersForLines(40_000_000, 1) > 1_000_000);
});

test('bad options are refused before anything is written', async () => {
  const out = join(dir, 'refused');
  const base = { out, start: START, days: 1, users: 1, seed: 1 };
  for (const bad of [{ start: '2017-02-29' }, { start: '2017-3-1' }, { days: 0 }, { days: 1.5 }, { users: -1 }, { seed: 2 ** 32 }]) {
    await assert.rejects(generateLogs({ ...base, ...bad }), RangeError, JSON.stringify(bad));
  }
  assert.throws(() => statSync(out), { code: 'ENOENT' });
});
