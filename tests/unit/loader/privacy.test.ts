// docs/contract.md#privacy: the uid HMAC, and the scrubbing of quarantined text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hmacUid, makeUidHasher, scrubRejectedLine, scrubUidLikeRuns } from '../../../scripts/loader/privacy.ts';
import { KEY } from './helpers.ts';

// Computed once with Python: hmac.new(key.encode(), uid.encode(), hashlib.sha256).hexdigest()
const VECTORS: Array<[string, string, string]> = [
  ['fxa-test-key', '0123456789abcdef0123456789abcdef', 'ccd5fe9bbfa21375f160f20718c699c1ff705e3ef8a0dad68d9e3492b4b527b7'],
  ['clé-🔑', 'abcdefabcdefabcdefabcdefabcdef12', '0bf7cd84859b703dcb0e2acee5c25df4b47434febac0d05df016828b27d674e0'],
];

test('hmacUid matches known HMAC-SHA256 vectors (UTF-8 key, lower hex)', () => {
  for (const [key, uid, expected] of VECTORS) assert.equal(hmacUid(key, uid), expected);
});

test('an upper-case uid is hashed as its lower-case form', () => {
  assert.equal(hmacUid(KEY, '0123456789ABCDEF0123456789ABCDEF'), VECTORS[0][2]);
  assert.notEqual(hmacUid('another-key', '0123456789abcdef0123456789abcdef'), VECTORS[0][2]);
});

test('the cached hasher agrees with hmacUid', () => {
  const h = makeUidHasher(KEY, 1);
  for (let i = 0; i < 2; i++) {
    assert.equal(h('0123456789abcdef0123456789abcdef'), VECTORS[0][2]);
    assert.equal(h('ffffffffffffffffffffffffffffffff'), hmacUid(KEY, 'ffffffffffffffffffffffffffffffff'));
  }
});

test('uid-like runs of exactly 32 hex characters in free text are HMACed; longer runs are not', () => {
  const h = (u: string) => hmacUid(KEY, u);
  const uid = '0123456789ABCDEF0123456789ABCDEF';
  const flowId = 'a1'.repeat(32);
  const out = scrubUidLikeRuns(`user ${uid} flow ${flowId} short abc123`, h);
  assert.equal(out, `user ${VECTORS[0][2]} flow ${flowId} short abc123`);
  assert.equal(scrubUidLikeRuns(`x${'a'.repeat(33)}`, h), `x${'a'.repeat(33)}`);
});

test('a rejected JSON line is re-serialised with Fields.uid HMACed, whatever its shape', () => {
  const h = (u: string) => hmacUid(KEY, u);
  const bad = { Type: 'activityEvent', Timestamp: 1, Fields: { event: '', uid: '0123456789abcdef0123456789abcdef', note: "it's" } };
  const out = JSON.parse(scrubRejectedLine(JSON.stringify(bad), bad, h));
  assert.equal(out.Fields.uid, VECTORS[0][2]);
  assert.equal(out.Fields.note, "it's");
  // a near-uid (wrong length) is hashed too, so no part of it reaches disk
  const near = { Type: 'activityEvent', Fields: { uid: '0123456789abcdef0123456789abcde' } };
  assert.equal(JSON.parse(scrubRejectedLine(JSON.stringify(near), near, h)).Fields.uid, h(near.Fields.uid));
  // a non-JSON line keeps its text, with the uid replaced
  assert.equal(scrubRejectedLine('oops 0123456789abcdef0123456789abcdef', undefined, h), `oops ${VECTORS[0][2]}`);
});

test('the uid is replaced in the text itself, so every other byte of a rejected line stays as it was', () => {
  const h = (u: string) => hmacUid(KEY, u);
  const text =
    '{"Timestamp":1488371912199627519, "Type":"activityEvent","Fields":{"event":"", "uid" : "0123456789ABCDEF0123456789ABCDEF"}}';
  const out = scrubRejectedLine(text, JSON.parse(text), h);
  assert.equal(out, text.replace('"0123456789ABCDEF0123456789ABCDEF"', `"${VECTORS[0][2]}"`));
  // a uid written with JSON escapes cannot be found in the text: the line is re-serialised instead
  const escaped = '{"Type":"activityEvent","Fields":{"uid":"\\u0030123456789abcdef0123456789abcdef"}}';
  assert.equal(JSON.parse(scrubRejectedLine(escaped, JSON.parse(escaped), h)).Fields.uid, VECTORS[0][2]);
});
