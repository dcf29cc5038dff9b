// A data dir is bound to the uid HMAC key it was loaded with; another key,
// a key shorter than 16 bytes or a --data-dir that is a file is refused with
// exit 2 and one line, before anything is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, makeLogs, tempDir, TEST_KEY } from './nightly-helpers.ts';

/** Every path under dir with its size and mtime: equal snapshots mean nothing was written. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = statSync(p);
      out.push(`${p} ${st.size} ${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

function assertUsage(r: ReturnType<typeof cli>, message: RegExp, secrets: string[]): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.match(r.stderr, /^fxa-metrics: /);
  assert.match(r.stderr, message);
  for (const s of secrets) assert.ok(!r.stderr.includes(s), 'no secret in the message');
}

test('a data dir loaded with one key refuses another (exit 2, nothing written); the fingerprint reveals neither the key nor its sha256', async () => {
  const { dir, cleanup } = tempDir('key');
  try {
    const [day1, day2] = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 2, users: 30 });
    const input = join(dir, 'input');
    mkdirSync(input);
    const data = join(dir, 'data');
    const keyA = TEST_KEY;
    const keyB = 'another-key-of-more-than-16-bytes';
    let r = cli(['load', day1, '--data-dir', data], { FXA_UID_HMAC_KEY: keyA });
    assert.equal(r.code, 0, r.stderr);

    const fingerprint = readFileSync(join(data, 'key-fingerprint'), 'utf8');
    assert.match(fingerprint, /^[0-9a-f]{64}\n$/);
    const sha = createHash('sha256').update(keyA).digest('hex');
    for (const form of [keyA, sha, Buffer.from(keyA).toString('hex'), Buffer.from(keyA).toString('base64')]) {
      assert.ok(!fingerprint.includes(form), 'the fingerprint file holds neither the key nor a plain hash of it');
    }

    const before = snapshot(data);
    writeFileSync(join(input, 'day2.log'), readFileSync(day2));
    const keyFile = join(dir, 'key-b');
    writeFileSync(keyFile, keyB + '\n');
    const refused = [
      cli(['nightly', '--input', input, '--data-dir', data], { FXA_UID_HMAC_KEY: keyB }),
      cli(['nightly', '--input', input, '--data-dir', data, '--hmac-key-file', keyFile]),
      cli(['load', day2, '--data-dir', data], { FXA_UID_HMAC_KEY: keyB }),
    ];
    for (const x of refused) assertUsage(x, /uid HMAC key is not the one data dir .* was loaded with .*new data dir/, [keyA, keyB]);
    assert.deepEqual(snapshot(data), before, 'nothing was written: no lock, no run state, no load');

    // The key it was loaded with is accepted.
    r = cli(['load', day2, '--data-dir', data], { FXA_UID_HMAC_KEY: keyA });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(data, 'key-fingerprint'), 'utf8'), fingerprint, 'the binding stays');
  } finally {
    cleanup();
  }
});

test('keys under 16 bytes are refused; a 16-byte key is accepted, and redaction leaves dates and paths alone', async () => {
  const { dir, cleanup } = tempDir('short-key');
  try {
    const [day1] = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 1, users: 20 });
    const data = join(dir, 'data');
    assertUsage(
      cli(['load', day1, '--data-dir', data], { FXA_UID_HMAC_KEY: '2017' }),
      /uid HMAC key in FXA_UID_HMAC_KEY is 4 bytes; use at least 16/,
      ['2017-x'],
    );
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, '0123456789abcde\n');
    assertUsage(cli(['nightly', '--input', dir, '--data-dir', data, '--hmac-key-file', keyFile]), /is 15 bytes; use at least 16/, []);
    assert.ok(!existsSync(data), 'nothing was written');

    const key16 = '2017-03-01-key16';
    const ok = cli(['load', day1, '--data-dir', data, '--log-format', 'json'], { FXA_UID_HMAC_KEY: key16 });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(!ok.stderr.includes(key16));
    assert.ok(!ok.stderr.includes('[redacted]-'), 'no date or path mangled by redaction');
  } finally {
    cleanup();
  }
});

test('--data-dir naming a file is a usage error (exit 2) with one clear line', () => {
  const { dir, cleanup } = tempDir('data-file');
  try {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    for (const args of [
      ['nightly', '--input', dir, '--data-dir', file],
      ['build', '--full-refresh', '--data-dir', file],
      ['load', file, '--data-dir', file],
    ]) {
      assertUsage(cli(args), /--data-dir .*not-a-dir is not a directory/, []);
    }
    assert.equal(readFileSync(file, 'utf8'), 'x');
  } finally {
    cleanup();
  }
});
