// docs/contract.md#input: every input rule, on its accepted and its rejected side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyLine, type Classified } from '../../../scripts/loader/rules.ts';
import { activityEvent, flowEvent, without } from './helpers.ts';

const line = (v: unknown) => JSON.stringify(v);

function reason(c: Classified): string {
  assert.equal(c.kind, 'reject', `expected a reject, got ${c.kind}`);
  return (c as { reason: string }).reason;
}

test('a valid flow event and a valid activity event are accepted', () => {
  assert.equal(classifyLine(line(flowEvent())).kind, 'flow');
  assert.equal(classifyLine(line(activityEvent())).kind, 'activity');
});

test('blank lines and other Types are skipped, not rejected', () => {
  for (const text of ['', '   ', '\t']) assert.equal(classifyLine(text).kind, 'skip');
  assert.equal(classifyLine(line({ Type: 'log', Fields: {} })).kind, 'skip');
  assert.equal(classifyLine(line({ Logger: 'x' })).kind, 'skip', 'no Type at all');
  assert.equal(classifyLine(line({ Type: 'FlowEvent', Fields: {} })).kind, 'skip', 'Type is case-sensitive');
});

test('not JSON, and JSON that is not an object, are rejected', () => {
  assert.equal(reason(classifyLine('not json at all')), 'invalid_json');
  assert.equal(reason(classifyLine('{"Type":"flowEvent",')), 'invalid_json');
  assert.equal(reason(classifyLine('[{"Type":"flowEvent"}]')), 'not_an_object');
  assert.equal(reason(classifyLine('42')), 'not_an_object');
  assert.equal(reason(classifyLine('"flowEvent"')), 'not_an_object');
  assert.equal(reason(classifyLine('null')), 'not_an_object');
});

test('the JSON parse error in a reject does not quote the line', () => {
  const c = classifyLine('uid 0123456789abcdef0123456789abcdef broken');
  assert.equal(reason(c), 'invalid_json');
  assert.doesNotMatch((c as { detail: string }).detail, /0123/);
});

test('envelope: Timestamp required integer ≥ 0, Fields required object', () => {
  for (const ev of [flowEvent(), activityEvent()]) {
    assert.equal(reason(classifyLine(line(without(ev, '^Timestamp')))), 'invalid_envelope');
    assert.equal(reason(classifyLine(line({ ...ev, Timestamp: '1488326400100000000' }))), 'invalid_envelope');
    assert.equal(reason(classifyLine(line({ ...ev, Timestamp: 1.5 }))), 'invalid_envelope');
    assert.equal(reason(classifyLine(line({ ...ev, Timestamp: -1 }))), 'invalid_envelope');
    assert.equal(reason(classifyLine(line(without(ev, '^Fields')))), 'invalid_envelope');
    assert.equal(reason(classifyLine(line({ ...ev, Fields: [] }))), 'invalid_envelope');
    assert.equal(reason(classifyLine(line({ ...ev, Fields: 'x' }))), 'invalid_envelope');
  }
  // the 19-digit nanosecond Timestamps of real logs are integers
  assert.equal(classifyLine(line(flowEvent({}, { Timestamp: 1490918400123456789 }))).kind, 'flow');
});

test('flow: each required field missing is rejected with its own reason', () => {
  for (const f of ['event', 'flow_id', 'flow_time', 'time']) {
    assert.equal(reason(classifyLine(line(without(flowEvent(), f)))), `flow.${f}`);
  }
});

test('flow: event must be a non-empty string', () => {
  assert.equal(reason(classifyLine(line(flowEvent({ event: '' })))), 'flow.event');
  assert.equal(reason(classifyLine(line(flowEvent({ event: 7 })))), 'flow.event');
  assert.equal(classifyLine(line(flowEvent({ event: 'x' }))).kind, 'flow');
});

test('flow: flow_id must be 64 hex characters (either case)', () => {
  assert.equal(classifyLine(line(flowEvent({ flow_id: 'AB'.repeat(32) }))).kind, 'flow');
  for (const bad of ['a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64), '', 12]) {
    assert.equal(reason(classifyLine(line(flowEvent({ flow_id: bad })))), 'flow.flow_id', String(bad));
  }
});

test('flow: flow_time must be an integer ≥ 0', () => {
  assert.equal(classifyLine(line(flowEvent({ flow_time: 0 }))).kind, 'flow');
  for (const bad of [-1, 1.5, '1500', null, true]) {
    assert.equal(reason(classifyLine(line(flowEvent({ flow_time: bad })))), 'flow.flow_time', String(bad));
  }
});

test('flow: time must be an integer (ms since the epoch)', () => {
  for (const bad of [1488326400100.5, '1488326400100', null, -5]) {
    assert.equal(reason(classifyLine(line(flowEvent({ time: bad })))), 'flow.time', String(bad));
  }
});

test('flow: uid optional, else 32 hex characters', () => {
  assert.equal(classifyLine(line(flowEvent({ uid: 'ABCDEF0123456789ABCDEF0123456789' }))).kind, 'flow');
  assert.equal(classifyLine(line(flowEvent({ uid: null }))).kind, 'flow');
  for (const bad of ['a'.repeat(31), 'a'.repeat(33), 'z'.repeat(32), '', 5]) {
    assert.equal(reason(classifyLine(line(flowEvent({ uid: bad })))), 'flow.uid', String(bad));
  }
});

test('flow: optional strings must be strings; dnt must be a boolean', () => {
  const strings = ['locale', 'userAgent', 'context', 'entrypoint', 'migration', 'service',
    'utm_campaign', 'utm_content', 'utm_medium', 'utm_source', 'utm_term'];
  for (const f of strings) {
    assert.equal(classifyLine(line(flowEvent({ [f]: 'v' }))).kind, 'flow', f);
    assert.equal(reason(classifyLine(line(flowEvent({ [f]: 1 })))), `flow.${f}`);
    assert.equal(reason(classifyLine(line(flowEvent({ [f]: {} })))), `flow.${f}`);
  }
  assert.equal(classifyLine(line(flowEvent({ dnt: true }))).kind, 'flow');
  assert.equal(reason(classifyLine(line(flowEvent({ dnt: 'true' })))), 'flow.dnt');
  assert.equal(reason(classifyLine(line(flowEvent({ dnt: 1 })))), 'flow.dnt');
});

test('flow: unknown fields are ignored', () => {
  assert.equal(classifyLine(line(flowEvent({ flowCompleteSignal: 'account.signed', whatever: [1] }))).kind, 'flow');
});

test('activity: event and uid required', () => {
  assert.equal(reason(classifyLine(line(without(activityEvent(), 'event')))), 'activity.event');
  assert.equal(reason(classifyLine(line(without(activityEvent(), 'uid')))), 'activity.uid');
  assert.equal(reason(classifyLine(line(activityEvent({ event: '' })))), 'activity.event');
});

test('activity: uid must be 32 hex characters', () => {
  assert.equal(classifyLine(line(activityEvent({ uid: 'ABCDEF0123456789ABCDEF0123456789' }))).kind, 'activity');
  for (const bad of ['a'.repeat(31), 'x'.repeat(32), null, 1]) {
    assert.equal(reason(classifyLine(line(activityEvent({ uid: bad })))), 'activity.uid', String(bad));
  }
});

test('activity: device_id optional, empty allowed, else 32 hex characters', () => {
  assert.equal(classifyLine(line(activityEvent({ device_id: '' }))).kind, 'activity');
  assert.equal(classifyLine(line(without(activityEvent(), 'device_id'))).kind, 'activity');
  for (const bad of ['abc', 'g'.repeat(32), 'a'.repeat(64), 3]) {
    assert.equal(reason(classifyLine(line(activityEvent({ device_id: bad })))), 'activity.device_id', String(bad));
  }
});

test('activity: service and userAgent strings; time optional integer', () => {
  assert.equal(classifyLine(line(activityEvent({ service: '' }))).kind, 'activity');
  assert.equal(reason(classifyLine(line(activityEvent({ service: 1 })))), 'activity.service');
  assert.equal(reason(classifyLine(line(activityEvent({ userAgent: false })))), 'activity.userAgent');
  assert.equal(classifyLine(line(without(activityEvent(), 'time'))).kind, 'activity');
  assert.equal(reason(classifyLine(line(activityEvent({ time: 'soon' })))), 'activity.time');
  assert.equal(reason(classifyLine(line(activityEvent({ time: 1.25 })))), 'activity.time');
});

test('a line with several problems gets one reason', () => {
  const c = classifyLine(line(flowEvent({ flow_id: 'x', flow_time: -1 })));
  assert.equal(c.kind, 'reject');
  assert.ok(['flow.flow_id', 'flow.flow_time'].includes(reason(c)));
});

test('a stored string holding a lone UTF-16 surrogate is rejected; a proper pair (emoji) is accepted', () => {
  const good = JSON.stringify(flowEvent({ locale: 'x' })).replace('"x"', '"\\ud83e\\udd8a fox"');
  assert.equal(classifyLine(good).kind, 'flow');
  const bad = JSON.stringify(flowEvent({ locale: 'x' })).replace('"x"', '"bad \\ud800 half"');
  assert.equal(reason(classifyLine(bad)), 'flow.locale');
  const badActivity = JSON.stringify(activityEvent({ service: 'x' })).replace('"x"', '"\\udc00"');
  assert.equal(reason(classifyLine(badActivity)), 'activity.service');
  // in a field that is not stored it does no harm
  const ignored = JSON.stringify(flowEvent({ note: 'x' })).replace('"x"', '"\\ud800"');
  assert.equal(classifyLine(ignored).kind, 'flow');
});
