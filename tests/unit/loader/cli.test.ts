// The real `fxa-metrics load` command in a child process: exit codes, one
// clear line on stderr, nothing written on a usage error, --json output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, KEY as SHORT_KEY, ROOT, tempDir } from './helpers.ts';

const BIN = join(ROOT, 'bin', 'fxa-metrics.mjs');
const DAY1 = join(FIXTURES, 'day1.log');
// the command refuses keys under 16 bytes
const KEY = SHORT_KEY.padEnd(16, '-');

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const base = { ...process.env };
  delete base.FXA_UID_HMAC_KEY;
  delete base.FXA_DATA_DIR;
  const r = spawnSync(process.execPath, [BIN, 'load', ...args], { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertUsageError(r: ReturnType<typeof cli>, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, pattern);
  assert.equal(r.stdout, '');
}

test('missing key: exit 2, one line on stderr, data dir not created', (t) => {
  const dataDir = join(tempDir(t), 'data');
  const r = cli([DAY1, '--data-dir', dataDir]);
  assertUsageError(r, /^fxa-metrics: .*FXA_UID_HMAC_KEY/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(existsSync(dataDir), false);
});

test('unreadable or empty key file: exit 2, nothing written', (t) => {
  const work = tempDir(t);
  const dataDir = join(work, 'data');
  assertUsageError(cli([DAY1, '--data-dir', dataDir, '--hmac-key-file', join(work, 'nope')]), /^fxa-metrics: cannot read HMAC key file/);
  writeFileSync(join(work, 'empty'), '\n');
  assertUsageError(cli([DAY1, '--data-dir', dataDir, '--hmac-key-file', join(work, 'empty')]), /^fxa-metrics: .*empty/);
  assert.equal(existsSync(dataDir), false);
});

test('unreadable input path: exit 2, nothing written', (t) => {
  const work = tempDir(t);
  const dataDir = join(work, 'data');
  const r = cli([DAY1, join(work, 'missing.log'), '--data-dir', dataDir], { FXA_UID_HMAC_KEY: KEY });
  assertUsageError(r, /^fxa-metrics: cannot read .*missing\.log/);
  assert.equal(existsSync(dataDir), false);
});

test('bad flag: exit 2, nothing written', (t) => {
  const dataDir = join(tempDir(t), 'data');
  const r = cli([DAY1, '--data-dir', dataDir, '--no-such-flag'], { FXA_UID_HMAC_KEY: KEY });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no-such-flag/);
  assert.equal(existsSync(dataDir), false);
  assert.equal(cli([DAY1, '--data-dir', dataDir, '--log-format', 'xml'], { FXA_UID_HMAC_KEY: KEY }).code, 2);
  assert.equal(existsSync(dataDir), false);
});

test('--json prints the load result; a second run is a no-op; the key is never printed', (t) => {
  const work = tempDir(t);
  const dataDir = join(work, 'data');
  const keyFile = join(work, 'key');
  const secret = 'a-very-secret-key-value';
  writeFileSync(keyFile, secret + '\n');
  const r = cli([DAY1, '--data-dir', dataDir, '--hmac-key-file', keyFile, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.noop, false);
  assert.equal(result.counts.lines_read, 17);
  assert.equal(result.counts.loaded_flow_events, 4);
  assert.match(r.stderr, /lines read\s+17/);
  const again = cli([DAY1, '--data-dir', dataDir, '--json'], { FXA_UID_HMAC_KEY: secret });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual([JSON.parse(again.stdout).noop, JSON.parse(again.stdout).files[0].status], [true, 'already_loaded']);
  for (const out of [r.stdout, r.stderr, again.stdout, again.stderr]) assert.ok(!out.includes(secret));
});

test('the data dir defaults to $FXA_DATA_DIR', (t) => {
  const dataDir = join(tempDir(t), 'from-env');
  const r = cli([DAY1, '--json'], { FXA_UID_HMAC_KEY: KEY, FXA_DATA_DIR: dataDir });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dataDir, 'loads', `${JSON.parse(r.stdout).loadId}.json`)));
});
