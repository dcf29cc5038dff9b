// docs/contract.md#input: every input rule, on its accepted and its rejected side. Each
// case runs through the loader's one path (DuckDB's checks, and JavaScript
// for the lines they do not accept) and through the JavaScript rules alone,
// which must agree: the outcome of a line does not depend on who decides it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyLine, type Classified } from '../../../scripts/loader/rules.ts';
import { activityEvent, flowEvent, loadOutcomes, without, type Outcome } from './helpers.ts';
import { optionalStringFields } from '../../lib/event-schemas.ts';

const line = (v: unknown) => JSON.stringify(v);

interface Case {
  text: string;
  want: string;
  note?: string;
}

interface Expect {
  kind(text: string, kind: 'flow' | 'activity' | 'skip', note?: string): void;
  reason(text: string, reason: string, note?: string): void;
}

const said = (c: Classified | Outcome) => (c.kind === 'reject' ? `reject ${(c as { reason: string }).reason}` : c.kind);

/** A test whose cases are checked on the load path and by the JavaScript rules. */
function rulesTest(name: string, body: (e: Expect) => void): void {
  test(name, async (t) => {
    const cases: Case[] = [];
    body({
      kind: (text, kind, note) => cases.push({ text, want: kind, note }),
      reason: (text, reason, note) => cases.push({ text, want: `reject ${reason}`, note }),
    });
    const loaded = await loadOutcomes(
      t,
      cases.map((c) => c.text),
    );
    for (const [i, c] of cases.entries()) {
      assert.equal(said(loaded[i]), c.want, `load path: ${c.note ?? c.text.slice(0, 120)}`);
      assert.equal(said(classifyLine(c.text)), c.want, `rules: ${c.note ?? c.text.slice(0, 120)}`);
    }
  });
}

rulesTest('a valid flow event and a valid activity event are accepted', (e) => {
  e.kind(line(flowEvent()), 'flow');
  e.kind(line(activityEvent()), 'activity');
});

rulesTest('blank lines and other Types are skipped, not rejected', (e) => {
  for (const text of ['', '   ', '\t']) e.kind(text, 'skip');
  e.kind(line({ Type: 'log', Fields: {} }), 'skip');
  e.kind(line({ Logger: 'x' }), 'skip', 'no Type at all');
  e.kind(line({ Type: 'FlowEvent', Fields: {} }), 'skip', 'Type is case-sensitive');
});

rulesTest('not JSON, and JSON that is not an object, are rejected', (e) => {
  e.reason('not json at all', 'invalid_json');
  e.reason('{"Type":"flowEvent",', 'invalid_json');
  e.reason('[{"Type":"flowEvent"}]', 'not_an_object');
  e.reason('42', 'not_an_object');
  e.reason('"flowEvent"', 'not_an_object');
  e.reason('null', 'not_an_object');
});

test('the JSON parse error in a reject does not quote the line', async (t) => {
  const text = 'uid 0123456789abcdef0123456789abcdef broken';
  for (const c of [classifyLine(text), ...(await loadOutcomes(t, [text]))]) {
    assert.equal(said(c), 'reject invalid_json');
    assert.doesNotMatch((c as { detail: string }).detail, /0123/);
  }
});

rulesTest('envelope: Timestamp required integer ≥ 0, Fields required object', (e) => {
  for (const ev of [flowEvent(), activityEvent()]) {
    e.reason(line(without(ev, '^Timestamp')), 'invalid_envelope');
    e.reason(line({ ...ev, Timestamp: '1488326400100000000' }), 'invalid_envelope');
    e.reason(line({ ...ev, Timestamp: 1.5 }), 'invalid_envelope');
    e.reason(line({ ...ev, Timestamp: -1 }), 'invalid_envelope');
    e.reason(line(without(ev, '^Fields')), 'invalid_envelope');
    e.reason(line({ ...ev, Fields: [] }), 'invalid_envelope');
    e.reason(line({ ...ev, Fields: 'x' }), 'invalid_envelope');
  }
  // the 19-digit nanosecond Timestamps of real logs are integers
  // eslint-disable-next-line no-loss-of-precision -- a 19-digit Timestamp, as the servers write it
  e.kind(line(flowEvent({}, { Timestamp: 1490918400123456789 })), 'flow');
});

rulesTest('flow: each required field missing is rejected with its own reason', (e) => {
  for (const f of ['event', 'flow_id', 'flow_time', 'time']) {
    e.reason(line(without(flowEvent(), f)), `flow.${f}`);
  }
});

rulesTest('flow: event must be a non-empty string', (e) => {
  e.reason(line(flowEvent({ event: '' })), 'flow.event');
  e.reason(line(flowEvent({ event: 7 })), 'flow.event');
  e.kind(line(flowEvent({ event: 'x' })), 'flow');
});

rulesTest('flow: flow_id must be 64 hex characters (either case)', (e) => {
  e.kind(line(flowEvent({ flow_id: 'AB'.repeat(32) })), 'flow');
  for (const bad of ['a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64), '', 12]) {
    e.reason(line(flowEvent({ flow_id: bad })), 'flow.flow_id', String(bad));
  }
});

rulesTest('flow: flow_time must be an integer ≥ 0', (e) => {
  e.kind(line(flowEvent({ flow_time: 0 })), 'flow');
  for (const bad of [-1, 1.5, '1500', null, true]) {
    e.reason(line(flowEvent({ flow_time: bad })), 'flow.flow_time', String(bad));
  }
});

rulesTest('flow: time must be an integer (ms since the epoch)', (e) => {
  for (const bad of [1488326400100.5, '1488326400100', null, -5]) {
    e.reason(line(flowEvent({ time: bad })), 'flow.time', String(bad));
  }
});

rulesTest('flow: uid optional, else 32 hex characters', (e) => {
  e.kind(line(flowEvent({ uid: 'ABCDEF0123456789ABCDEF0123456789' })), 'flow');
  e.kind(line(flowEvent({ uid: null })), 'flow');
  for (const bad of ['a'.repeat(31), 'a'.repeat(33), 'z'.repeat(32), '', 5]) {
    e.reason(line(flowEvent({ uid: bad })), 'flow.uid', String(bad));
  }
});

rulesTest('flow: optional strings must be strings; dnt must be a boolean', (e) => {
  const strings = optionalStringFields('flow');
  assert.ok(strings.includes('utm_term') && strings.includes('userAgent'), 'the list is read from the flow schema');
  for (const f of strings) {
    e.kind(line(flowEvent({ [f]: 'v' })), 'flow', f);
    e.reason(line(flowEvent({ [f]: 1 })), `flow.${f}`);
    e.reason(line(flowEvent({ [f]: {} })), `flow.${f}`);
  }
  e.kind(line(flowEvent({ dnt: true })), 'flow');
  e.reason(line(flowEvent({ dnt: 'true' })), 'flow.dnt');
  e.reason(line(flowEvent({ dnt: 1 })), 'flow.dnt');
});

rulesTest('flow: unknown fields are ignored', (e) => {
  e.kind(line(flowEvent({ flowCompleteSignal: 'account.signed', whatever: [1] })), 'flow');
});

rulesTest('activity: event and uid required', (e) => {
  e.reason(line(without(activityEvent(), 'event')), 'activity.event');
  e.reason(line(without(activityEvent(), 'uid')), 'activity.uid');
  e.reason(line(activityEvent({ event: '' })), 'activity.event');
});

rulesTest('activity: uid must be 32 hex characters', (e) => {
  e.kind(line(activityEvent({ uid: 'ABCDEF0123456789ABCDEF0123456789' })), 'activity');
  for (const bad of ['a'.repeat(31), 'x'.repeat(32), null, 1]) {
    e.reason(line(activityEvent({ uid: bad })), 'activity.uid', String(bad));
  }
});

rulesTest('activity: device_id optional, empty allowed, else 32 hex characters', (e) => {
  e.kind(line(activityEvent({ device_id: '' })), 'activity');
  e.kind(line(without(activityEvent(), 'device_id')), 'activity');
  for (const bad of ['abc', 'g'.repeat(32), 'a'.repeat(64), 3]) {
    e.reason(line(activityEvent({ device_id: bad })), 'activity.device_id', String(bad));
  }
});

rulesTest('activity: service and userAgent strings; time optional integer', (e) => {
  e.kind(line(activityEvent({ service: '' })), 'activity');
  e.reason(line(activityEvent({ service: 1 })), 'activity.service');
  e.reason(line(activityEvent({ userAgent: false })), 'activity.userAgent');
  e.kind(line(without(activityEvent(), 'time')), 'activity');
  e.reason(line(activityEvent({ time: 'soon' })), 'activity.time');
  e.reason(line(activityEvent({ time: 1.25 })), 'activity.time');
});

test('a line with several problems gets one reason', async (t) => {
  const text = line(flowEvent({ flow_id: 'x', flow_time: -1 }));
  for (const c of [classifyLine(text), ...(await loadOutcomes(t, [text]))]) {
    assert.ok(['reject flow.flow_id', 'reject flow.flow_time'].includes(said(c)), said(c));
  }
});

rulesTest('a stored string holding a lone UTF-16 surrogate is rejected; a proper pair (emoji) is accepted', (e) => {
  const good = JSON.stringify(flowEvent({ locale: 'x' })).replace('"x"', '"\\ud83e\\udd8a fox"');
  e.kind(good, 'flow');
  const bad = JSON.stringify(flowEvent({ locale: 'x' })).replace('"x"', '"bad \\ud800 half"');
  e.reason(bad, 'flow.locale');
  const badActivity = JSON.stringify(activityEvent({ service: 'x' })).replace('"x"', '"\\udc00"');
  e.reason(badActivity, 'activity.service');
  // in a field that is not stored it does no harm
  const ignored = JSON.stringify(flowEvent({ note: 'x' })).replace('"x"', '"\\ud800"');
  e.kind(ignored, 'flow');
});
