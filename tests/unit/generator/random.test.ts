import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Weighted, hex32, mix32 } from '../../../scripts/generator/random.ts';

test('the same keys give the same stream, other keys another one', () => {
  const a = new Rng(1, 2);
  const b = new Rng(1, 2);
  const c = new Rng(1, 3);
  const sa = Array.from({ length: 50 }, () => a.u32());
  const sb = Array.from({ length: 50 }, () => b.u32());
  const sc = Array.from({ length: 50 }, () => c.u32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  a.reseed(1, 2);
  assert.equal(a.u32(), sa[0]);
});

test('streams of neighbouring user numbers share no ids', () => {
  const seen = new Set<string>();
  const rng = new Rng(0);
  for (let u = 0; u < 20_000; u++) {
    rng.reseed(7, 0x70f11e, u);
    const id = rng.hex(16);
    assert.match(id, /^[0-9a-f]{32}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 20_000);
});

test('next() stays in [0, 1) and int() in its bounds, reaching both ends', () => {
  const rng = new Rng(42);
  const hits = new Set<number>();
  for (let i = 0; i < 10_000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1);
    const n = rng.int(3, 6);
    assert.ok(n >= 3 && n <= 6 && Number.isInteger(n));
    hits.add(n);
  }
  assert.deepEqual([...hits].sort(), [3, 4, 5, 6]);
});

test('Weighted picks in proportion to the weights and never a zero-weight item', () => {
  const w = new Weighted<string>([
    ['a', 3],
    ['b', 1],
    ['never', 0],
  ]);
  const rng = new Rng(5);
  const n = { a: 0, b: 0, never: 0 } as Record<string, number>;
  for (let i = 0; i < 20_000; i++) n[w.pick(rng)]++;
  assert.equal(n.never, 0);
  assert.ok(n.a / 20_000 > 0.72 && n.a / 20_000 < 0.78, `a: ${n.a}`);
});

test('hex32 and mix32 are fixed functions', () => {
  assert.equal(hex32(0), '00000000');
  assert.equal(hex32(0xdeadbeef), 'deadbeef');
  assert.equal(hex32(0x0a0b0c0d), '0a0b0c0d');
  assert.equal(mix32(0), 0);
  assert.notEqual(mix32(1), mix32(2));
});
