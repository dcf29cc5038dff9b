// Input discovery and the HMAC key: the usage errors the CLI relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listLogFiles, resolveHmacKey } from '../../../scripts/loader/index.ts';
import { CliError, ExitCode } from '../../../scripts/lib/errors.ts';
import { tempDir } from './helpers.ts';

const isUsage = (e: unknown) => e instanceof CliError && e.exitCode === ExitCode.usage;

test('listLogFiles: log files of directories recursively and sorted, explicit files as given, no repeats', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'sub'));
  for (const f of ['b.log', 'a.ndjson', 'c.jsonl.gz', 'd.log.gz', 'notes.txt', 'e.json', join('sub', 'z.log')])
    writeFileSync(join(dir, f), '');
  writeFileSync(join(dir, 'explicit.txt'), '');
  assert.deepEqual(
    listLogFiles([dir]).files,
    ['a.ndjson', 'b.log', 'c.jsonl.gz', 'd.log.gz', join('sub', 'z.log')].map((f) => join(dir, f)),
  );
  assert.deepEqual(listLogFiles([join(dir, 'explicit.txt'), join(dir, 'b.log'), dir]).files.slice(0, 3), [
    join(dir, 'explicit.txt'),
    join(dir, 'b.log'),
    join(dir, 'a.ndjson'),
  ]);
  assert.equal(listLogFiles([dir, dir]).files.length, 5);
});

test('listLogFiles: a missing path is a usage error', (t) => {
  const dir = tempDir(t);
  assert.throws(() => listLogFiles([join(dir, 'nope.log')]), isUsage);
});

test('listLogFiles: a dangling symlink in a directory is listed as unreadable, not a usage error; the other files are listed', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a.log'), '');
  symlinkSync(join(dir, 'gone.log'), join(dir, 'b.log'));
  mkdirSync(join(dir, 'sub.log'));
  assert.deepEqual(listLogFiles([dir]), {
    files: [join(dir, 'a.log')],
    unreadable: [{ path: join(dir, 'b.log'), reason: 'dangling symlink' }],
  });
  // named on the command line, the same link is the operator's mistake
  assert.throws(() => listLogFiles([join(dir, 'b.log')]), isUsage);
});

test('resolveHmacKey: key file first, else FXA_UID_HMAC_KEY; missing or empty is a usage error', (t) => {
  const dir = tempDir(t);
  const kf = join(dir, 'key');
  writeFileSync(kf, 'from-file-key-of-16-bytes\n');
  assert.equal(resolveHmacKey({ keyFile: kf, env: { FXA_UID_HMAC_KEY: 'from-env-key-of-16-bytes' } }), 'from-file-key-of-16-bytes');
  assert.equal(resolveHmacKey({ env: { FXA_UID_HMAC_KEY: 'from-env-key-of-16-bytes' } }), 'from-env-key-of-16-bytes');
  assert.throws(() => resolveHmacKey({ env: {} }), isUsage);
  assert.throws(() => resolveHmacKey({ env: { FXA_UID_HMAC_KEY: '' } }), isUsage);
  assert.throws(() => resolveHmacKey({ keyFile: join(dir, 'missing'), env: {} }), isUsage);
  writeFileSync(kf, '');
  assert.throws(() => resolveHmacKey({ keyFile: kf, env: { FXA_UID_HMAC_KEY: 'x' } }), isUsage);
});
