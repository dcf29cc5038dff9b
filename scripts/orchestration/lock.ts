// One run at a time per data dir: <data dir>/fxa-metrics.lock, created
// exclusively, holds the owner's pid, host and start time. A lock whose pid
// no longer runs on this host is stale (a crashed run) and is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { CliError, ExitCode } from '../lib/errors.ts';
import { layout } from '../lib/paths.ts';
import { log } from '../lib/log.ts';
import { killRunningDbt } from '../lib/dbt.ts';

export interface LockInfo {
  pid: number;
  host: string;
  started: string;
  command: string;
}

export interface HeldLock {
  path: string;
  info: LockInfo;
  release(): void;
}

// A lock file that cannot be parsed is normally one being written right now;
// only after this long is it treated as left behind by a crash.
const UNREADABLE_LOCK_GRACE_MS = 60_000;

/** Whether a pid runs on this machine (EPERM: it runs, as another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) ? info : null;
  } catch {
    return null;
  }
}

function isStale(path: string, info: LockInfo | null): boolean {
  if (info === null) {
    try {
      return Date.now() - statSync(path).mtimeMs > UNREADABLE_LOCK_GRACE_MS;
    } catch {
      return true; // vanished meanwhile
    }
  }
  // A pid on another host cannot be checked from here: assume it is alive.
  if (info.host !== hostname()) return false;
  return !pidAlive(info.pid);
}

/** Takes the data dir's lock or throws exit 4 naming the holder. */
export function acquireLock(dataDir: string, command: string): HeldLock {
  const path = layout(dataDir).lock;
  mkdirSync(dataDir, { recursive: true });
  const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, JSON.stringify(info) + '\n');
      } finally {
        closeSync(fd);
      }
      return hold(path, info);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readLock(path);
    if (!isStale(path, holder)) {
      const who = holder ? `pid ${holder.pid} on ${holder.host} since ${holder.started} (${holder.command})` : 'another run (lock file being written)';
      throw new CliError(`data dir ${dataDir} is locked by ${who}; lock file ${path}`, ExitCode.locked);
    }
    log.warn(`taking over stale lock ${path}`, holder ? { pid: holder.pid, since: holder.started } : {});
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new CliError(`could not take the lock ${path}: another run keeps taking it`, ExitCode.locked);
}

function hold(path: string, info: LockInfo): HeldLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    // Only remove the file while it is still ours (never a successor's lock).
    const current = readLock(path);
    if (current && current.pid === info.pid && current.started === info.started) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  };
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    log.warn(`${signal} received: stopping dbt and releasing the lock`);
    killRunningDbt('SIGTERM');
    release();
    process.exit(code);
  };
  const onSigint = () => onSignal('SIGINT', 130);
  const onSigterm = () => onSignal('SIGTERM', 143);
  process.on('exit', release);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return { path, info, release };
}

/** Runs fn under the data dir's lock, releasing it however fn ends. */
export async function withLock<T>(dataDir: string, command: string, fn: () => Promise<T>): Promise<T> {
  const lock = acquireLock(dataDir, command);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
