import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, pidAlive, withLock } from '../../../scripts/orchestration/lock.ts';
import { CliError } from '../../../scripts/lib/errors.ts';
import { configureLog } from '../../../scripts/lib/log.ts';

configureLog({ quiet: true });

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'fxa-lock-unit-'));
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

test('the lock file holds pid, host and start; a second acquire fails with exit 4', () => {
  const dir = tmp();
  try {
    const lock = acquireLock(dir, 'nightly');
    const info = JSON.parse(readFileSync(lock.path, 'utf8'));
    assert.equal(info.pid, process.pid);
    assert.equal(info.host, hostname());
    assert.equal(info.command, 'nightly');
    assert.ok(!Number.isNaN(Date.parse(info.started)));
    assert.throws(
      () => acquireLock(dir, 'build'),
      (e: CliError) => e.exitCode === 4 && e.message.includes(`locked by pid ${process.pid}`) && e.message.includes(info.started),
    );
    lock.release();
    assert.ok(!existsSync(lock.path));
    acquireLock(dir, 'again').release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a dead pid is stale and taken over; a lock of another host or a fresh unreadable file is not', () => {
  const dir = tmp();
  try {
    const path = join(dir, 'fxa-metrics.lock');
    const pid = deadPid();
    assert.equal(pidAlive(pid), false);
    assert.equal(pidAlive(process.pid), true);
    writeFileSync(path, JSON.stringify({ pid, host: hostname(), started: 'x', command: 'nightly' }));
    const lock = acquireLock(dir, 'nightly');
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
    lock.release();

    writeFileSync(path, JSON.stringify({ pid, host: 'elsewhere.example', started: 'x', command: 'nightly' }));
    assert.throws(
      () => acquireLock(dir, 'nightly'),
      (e: CliError) => e.exitCode === 4,
    );
    writeFileSync(path, '');
    assert.throws(
      () => acquireLock(dir, 'nightly'),
      (e: CliError) => e.exitCode === 4 && /being written/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('release never removes a lock that another run took over', () => {
  const dir = tmp();
  try {
    const lock = acquireLock(dir, 'nightly');
    const other = { pid: process.pid, host: hostname(), started: 'someone else', command: 'nightly' };
    writeFileSync(lock.path, JSON.stringify(other));
    lock.release();
    assert.ok(existsSync(lock.path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('withLock releases when the work throws', async () => {
  const dir = tmp();
  try {
    await assert.rejects(
      withLock(dir, 'build', async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.ok(!existsSync(join(dir, 'fxa-metrics.lock')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM to a run with no dbt running: its report is written, then the lock released (exit 143)', () => {
  const dir = tmp();
  try {
    const script = `
      import { acquireLock } from './scripts/orchestration/lock.ts';
      import { existsSync, writeFileSync } from 'node:fs';
      const lock = acquireLock(${JSON.stringify(dir)}, 'nightly');
      // the run's report is written before the lock goes
      lock.onInterrupt = (signal) => writeFileSync(${JSON.stringify(dir)} + '/report', signal + (existsSync(lock.path) ? ' locked' : ' unlocked'));
      process.kill(process.pid, 'SIGTERM');
      setTimeout(() => {}, 10000);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: new URL('../../..', import.meta.url).pathname,
    });
    assert.equal(r.status, 143, r.stderr);
    assert.match(r.stderr, /SIGTERM received/);
    assert.equal(readFileSync(join(dir, 'report'), 'utf8'), 'SIGTERM locked');
    assert.ok(!existsSync(join(dir, 'fxa-metrics.lock')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
