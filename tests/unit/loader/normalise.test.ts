// Normalisation (docs/contract.md#normalisation) and the user-agent fields, on both sides of each rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envelopeTimeMs, normaliseFlowEventName, toActivityRow, toFlowRow, type RowContext } from '../../../scripts/loader/normalise.ts';
import { makeUserAgentParser, parseUserAgent } from '../../../scripts/loader/user-agent.ts';
import { hmacUid } from '../../../scripts/loader/privacy.ts';
import { classifyLine } from '../../../scripts/loader/rules.ts';
import { makeDayOf } from '../../../scripts/loader/writer.ts';
import { activityEvent, flowEvent, KEY, UID } from './helpers.ts';

const ctx: RowContext = {
  hashUid: (u) => hmacUid(KEY, u),
  parseUa: makeUserAgentParser(),
  sourceFile: 'in/x.log',
  loadId: 'L1',
};

function flowRow(fields: Record<string, unknown>) {
  const c = classifyLine(JSON.stringify(flowEvent(fields)));
  assert.equal(c.kind, 'flow');
  return toFlowRow((c as { fields: Record<string, unknown> }).fields, 7, ctx);
}

function activityRow(ev: Record<string, unknown>) {
  const text = JSON.stringify(ev);
  const c = classifyLine(text);
  assert.equal(c.kind, 'activity');
  const { envelope, fields } = c as Extract<typeof c, { kind: 'activity' }>;
  return toActivityRow(envelope, fields, text, 3, ctx);
}

test('flow.<anything>.begin becomes flow.begin; other names are kept', () => {
  assert.equal(normaliseFlowEventName('flow.signin.begin'), 'flow.begin');
  assert.equal(normaliseFlowEventName('flow.reset-password.begin'), 'flow.begin');
  assert.equal(normaliseFlowEventName('flow.a.b.begin'), 'flow.begin');
  assert.equal(normaliseFlowEventName('flow.begin'), 'flow.begin');
  assert.equal(normaliseFlowEventName('flow.signin.begin.extra'), 'flow.signin.begin.extra');
  assert.equal(normaliseFlowEventName('flow.signin.view'), 'flow.signin.view');
  assert.equal(normaliseFlowEventName('account.begin'), 'account.begin');
  assert.equal(flowRow({ event: 'flow.signup.begin' }).type, 'flow.begin');
});

test('activity event names are stored verbatim (begin rule is for flow events)', () => {
  assert.equal(activityRow(activityEvent({ event: 'flow.x.begin' })).type, 'flow.x.begin');
});

test('flow row: flow_id lower-cased, uid HMACed, lineage set', () => {
  const r = flowRow({ flow_id: 'AB'.repeat(32), uid: UID.toUpperCase(), locale: 'en-US' });
  assert.equal(r.flow_id, 'ab'.repeat(32));
  assert.equal(r.uid, hmacUid(KEY, UID));
  assert.equal(r.locale, 'en-US');
  assert.deepEqual([r.source_file, r.source_line, r.load_id], ['in/x.log', 7, 'L1']);
  assert.equal(flowRow({}).uid, null);
});

test('utm_* are nulled when dnt is true, kept otherwise', () => {
  const utm = { utm_campaign: 'c', utm_content: 'ct', utm_medium: 'm', utm_source: 's', utm_term: 't' };
  const kept = flowRow({ ...utm, dnt: false });
  assert.deepEqual([kept.utm_campaign, kept.utm_content, kept.utm_medium, kept.utm_source, kept.utm_term], ['c', 'ct', 'm', 's', 't']);
  assert.equal(kept.dnt, false);
  const absent = flowRow(utm);
  assert.equal(absent.utm_campaign, 'c');
  assert.equal(absent.dnt, false);
  const dnt = flowRow({ ...utm, dnt: true, entrypoint: 'menupanel' });
  assert.deepEqual([dnt.utm_campaign, dnt.utm_content, dnt.utm_medium, dnt.utm_source, dnt.utm_term], [null, null, null, null, null]);
  assert.equal(dnt.dnt, true);
  assert.equal(dnt.entrypoint, 'menupanel', 'dnt only affects utm_*');
});

test('activity row: device_id lower-cased, empty device_id stored as null, empty service kept', () => {
  assert.equal(activityRow(activityEvent({ device_id: 'D0'.repeat(16) })).device_id, 'd0'.repeat(16));
  assert.equal(activityRow(activityEvent({ device_id: '' })).device_id, null);
  assert.equal(activityRow(activityEvent({ device_id: null })).device_id, null);
  assert.equal(activityRow(activityEvent({ service: '' })).service, '');
  assert.equal(activityRow(activityEvent({ service: null })).service, null);
  assert.equal(activityRow(activityEvent({ uid: UID.toUpperCase() })).uid, hmacUid(KEY, UID));
});

test('activity time: Fields.time when present, else Timestamp / 1e6 floored, exactly', () => {
  assert.equal(activityRow(activityEvent({ time: 1488330000123 })).time_ms, 1488330000123);
  // Written as text: as a JS number this Timestamp already rounds up to …601000000000.
  const text = `{"Timestamp":1488333600999999999,"Type":"activityEvent","Fields":{"event":"e","uid":"${UID}"}}`;
  const c = classifyLine(text);
  assert.equal(c.kind, 'activity');
  const { envelope, fields } = c as Extract<typeof c, { kind: 'activity' }>;
  assert.equal(toActivityRow(envelope, fields, text, 1, ctx).time_ms, 1488333600999);
  const env = { Timestamp: 1488333600000000000, Type: 'activityEvent', Fields: {} };
  assert.equal(envelopeTimeMs(env, JSON.stringify(env)), 1488333600000);
});

test('day of an event time is its UTC date', () => {
  const dayOf = makeDayOf();
  assert.equal(dayOf(1488326400000), '2017-03-01');
  assert.equal(dayOf(1488412799999), '2017-03-01');
  assert.equal(dayOf(1488412800000), '2017-03-02');
  assert.equal(dayOf(0), '1970-01-01');
});

const UAS = {
  firefoxWin10: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:52.0) Gecko/20100101 Firefox/52.0',
  firefoxWin7: 'Mozilla/5.0 (Windows NT 6.1; rv:52.0) Gecko/20100101 Firefox/52.0',
  firefoxXp: 'Mozilla/5.0 (Windows NT 5.1; rv:45.0) Gecko/20100101 Firefox/45.0',
  chromeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_3) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 Safari/537.36',
  firefoxAndroid: 'Mozilla/5.0 (Android 7.0; Mobile; rv:52.0) Gecko/52.0 Firefox/52.0',
  firefoxIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 10_2_1 like Mac OS X) AppleWebKit/602.4.6 (KHTML, like Gecko) FxiOS/6.1 Mobile/14D27 Safari/602.1',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:52.0) Gecko/20100101 Firefox/52.0',
  firefoxUbuntu: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:52.0) Gecko/20100101 Firefox/52.0',
};

test('UA fields: browser, major version, OS named the way people name it', () => {
  const cases: Array<[string, [string | null, string | null, string | null]]> = [
    [UAS.firefoxWin10, ['Firefox', '52', 'Windows 10']],
    [UAS.firefoxWin7, ['Firefox', '52', 'Windows 7']],
    [UAS.firefoxXp, ['Firefox', '45', 'Windows XP']],
    [UAS.chromeMac, ['Chrome', '56', 'Mac OS X 10.12']],
    [UAS.firefoxAndroid, ['Firefox', '52', 'Android']],
    [UAS.firefoxIos, ['Firefox', '6', 'iOS']],
    [UAS.firefoxLinux, ['Firefox', '52', 'Linux']],
    [UAS.firefoxUbuntu, ['Firefox', '52', 'Ubuntu']],
  ];
  for (const [ua, [b, v, os]] of cases) {
    assert.deepEqual(parseUserAgent(ua), { ua_browser: b, ua_version: v, ua_os: os }, ua);
  }
});

test('UA fields are null when there is no user agent or the parser knows nothing', () => {
  const none = { ua_browser: null, ua_version: null, ua_os: null };
  assert.deepEqual(parseUserAgent(undefined), none);
  assert.deepEqual(parseUserAgent(null), none);
  assert.deepEqual(parseUserAgent(''), none);
  assert.deepEqual(parseUserAgent('garbage-client'), none);
  const r = flowRow({});
  assert.deepEqual([r.ua_browser, r.ua_version, r.ua_os], [null, null, null]);
  const a = activityRow(activityEvent({ userAgent: UAS.firefoxWin10 }));
  assert.deepEqual([a.ua_browser, a.ua_version, a.ua_os], ['Firefox', '52', 'Windows 10']);
});

test('the cached parser gives the same answers as the plain one', () => {
  const parse = makeUserAgentParser(2);
  for (let i = 0; i < 3; i++) {
    for (const ua of Object.values(UAS)) assert.deepEqual(parse(ua), parseUserAgent(ua));
  }
});
