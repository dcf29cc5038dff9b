import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../scripts/generator/random.ts';
import { badVariant, noiseLine } from '../../../scripts/generator/faults.ts';
import * as pools from '../../../scripts/generator/pools.ts';
import { classify } from './line-rules.ts';

const FLOW_LINE =
  '{"Timestamp":1490918400123000000,"Logger":"fxa-auth-server","Type":"flowEvent","Severity":6,"Pid":1234,"EnvVersion":"2.0","Fields":{"event":"flow.signin.view","flow_id":"5d2c5d2c5d2c5d2c5d2c5d2c5d2c5d2c5d2c5d2c5d2c5d2c5d2c5d2c5d2c5d2c","flow_time":0,"time":1490918400123,"uid":"0123456789abcdef0123456789abcdef","locale":"en-US"}}';
const ACTIVITY_LINE =
  '{"Timestamp":1490918400123000000,"Logger":"fxa-auth-server","Type":"activityEvent","Severity":6,"Pid":1234,"EnvVersion":"2.0","Fields":{"event":"account.signed","uid":"0123456789ABCDEF0123456789abcdef","device_id":"","service":"sync","userAgent":"Firefox-iOS-FxA/6.1b5234 (Firefox)"}}';

test('the template lines are valid metrics events (the accepted side)', () => {
  assert.equal(classify(FLOW_LINE).kind, 'flow');
  assert.equal(classify(ACTIVITY_LINE).kind, 'activity');
});

test('every bad variant of a flow line breaks an input rule of the contract, and each way occurs', () => {
  const rng = new Rng(3);
  const reasons = new Set<string>();
  for (let i = 0; i < 400; i++) {
    const c = classify(badVariant(FLOW_LINE, 'flow', rng));
    assert.equal(c.kind, 'bad');
    reasons.add(c.reason!);
  }
  assert.deepEqual([...reasons].sort(), ['event', 'flow_id', 'flow_time', 'not json']);
});

test('every bad variant of an activity line breaks an input rule of the contract, and each way occurs', () => {
  const rng = new Rng(4);
  const reasons = new Set<string>();
  for (let i = 0; i < 400; i++) {
    const c = classify(badVariant(ACTIVITY_LINE, 'activity', rng));
    assert.equal(c.kind, 'bad');
    reasons.add(c.reason!);
  }
  assert.deepEqual([...reasons].sort(), ['event', 'not json', 'uid']);
});

test('noise lines are JSON envelopes of other Types from the auth server', () => {
  const rng = new Rng(5);
  const types = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const line = noiseLine(1490918400123 + i, rng);
    const c = classify(line);
    assert.equal(c.kind, 'noise');
    assert.equal(c.envelope!.Logger, 'fxa-auth-server');
    assert.ok(line.startsWith(`{"Timestamp":${1490918400123 + i}`));
    types.add(c.envelope!.Type);
  }
  assert.deepEqual([...types].sort(), ['error', 'mailer.send', 'request.summary']);
});

test('pool strings are plain ASCII that JSON writes unescaped (lines are built without escaping)', () => {
  const strings: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(Object.values(pools));
  assert.ok(strings.length > 200, `found ${strings.length} strings`);
  for (const s of strings) {
    assert.equal(JSON.stringify(s), `"${s}"`, s);
    assert.match(s, /^[\x20-\x7e]*$/, s);
  }
});
