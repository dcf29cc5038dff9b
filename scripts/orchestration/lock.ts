// One run at a time per data dir: <data dir>/fxa-metrics.lock, created
// exclusively, holds the owner's pid, host, start time and the identity of
// its process (boot id and process start time, so that a pid reused by an
// unrelated process is recognised). A lock whose process no longer runs on
// this host is stale (a crashed run) and is taken over.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { CliError, ExitCode } from '../lib/errors.ts';
import { layout } from '../lib/paths.ts';
import { log } from '../lib/log.ts';
import { dbtRunning, killRunningDbt, onDbtProcess, stopGraceMs, stopRunningDbt } from '../lib/dbt.ts';
import { interruption, markInterrupted, signalExitCode } from '../lib/interrupt.ts';
import { writeError, writeFileAtomic } from '../lib/write-file.ts';

export interface LockInfo {
  pid: number;
  host: string;
  started: string;
  command: string;
  /** `<boot id>:<start time in clock ticks>` of the owner process (Linux; absent elsewhere) */
  process?: string;
  /** the dbt the owner runs right now, so that whoever takes over a dead owner's lock can stop it */
  dbt?: { pid: number; process?: string };
}

export interface HeldLock {
  path: string;
  info: LockInfo;
  release(): void;
  /**
   * Called when a signal arrives while no dbt runs: the process then ends
   * at once (after this and the release). With a dbt running, the run
   * itself ends when dbt has stopped (runDbt throws InterruptedError).
   */
  onInterrupt?: (signal: NodeJS.Signals) => void;
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

/** What /proc says of a pid: its identity (boot id plus start time) and whether it is a zombie; null where /proc cannot tell. */
function procState(pid: number): { identity: string; zombie: boolean } | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: count fields after it
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { identity: `${boot}:${fields[19]}`, zombie: fields[0] === 'Z' };
  } catch {
    return null;
  }
}

/** Which process a pid is right now: boot id plus its start time; null where /proc cannot tell. */
export function processIdentity(pid: number): string | null {
  return procState(pid)?.identity ?? null;
}

/** Whether the process recorded as `identity` still runs (a zombie, an exited child not yet reaped, does not). */
function stillRuns(pid: number, identity: string | undefined): boolean {
  if (!pidAlive(pid)) return false;
  const now = procState(pid);
  if (now === null || identity === undefined) return true; // the pid is all there is
  return now.identity === identity && !now.zombie;
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) ? info : null;
  } catch {
    return null;
  }
}

/** Whether the process a lock names is gone: its pid is dead, or now belongs to another process. */
function ownerGone(info: LockInfo): boolean {
  return !stillRuns(info.pid, info.process);
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
  return ownerGone(info);
}

/**
 * Creates the lock file exclusively; false when it exists. When its content
 * cannot be written for want of space, the empty file already keeps other
 * runs out (an unreadable lock counts as one being written), so `freeSpace`
 * may recover what a killed run left before the write is tried again. A
 * failed write leaves no (empty) lock behind.
 */
function tryCreate(path: string, info: LockInfo, freeSpace?: () => void): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw writeError(path, e);
  }
  const text = JSON.stringify(info) + '\n';
  try {
    try {
      writeSync(fd, text, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC' || !freeSpace) throw writeError(path, e);
      log.warn(`no space left to write ${path}: recovering what an earlier run left first`);
      freeSpace();
      try {
        writeSync(fd, text, 0);
      } catch (again) {
        throw writeError(path, again);
      }
    }
  } catch (e) {
    closeSync(fd);
    unlinkSync(path);
    throw e;
  }
  closeSync(fd);
  return true;
}

/**
 * Takes the data dir's lock or throws exit 4 naming the holder. `freeSpace`
 * runs, holding the lock, when the disk is too full to write it.
 */
export function acquireLock(dataDir: string, command: string, opts: { freeSpace?: () => void } = {}): HeldLock {
  const path = layout(dataDir).lock;
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw writeError(dataDir, e);
  }
  const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  const identity = processIdentity(process.pid);
  if (identity) info.process = identity;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, info, opts.freeSpace)) return hold(path, info);
    const holder = readLock(path);
    if (!isStale(path, holder)) {
      const who = holder
        ? `pid ${holder.pid} on ${holder.host} since ${holder.started} (${holder.command})`
        : 'another run (lock file being written)';
      throw new CliError(`data dir ${dataDir} is locked by ${who}; lock file ${path}`, ExitCode.locked);
    }
    log.warn(`taking over stale lock ${path}`, holder ? { pid: holder.pid, since: holder.started } : {});
    if (holder?.dbt) stopOrphanDbt(holder.dbt);
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new CliError(`could not take the lock ${path}: another run keeps taking it`, ExitCode.locked);
}

/**
 * The dbt a killed run left running still holds DuckDB's file lock and
 * would write its results into this run's target dir: it is stopped (SIGTERM,
 * SIGKILL after the grace period) before the lock is taken over. Only a
 * process that is still the one recorded (same start time) is signalled.
 */
function stopOrphanDbt(dbt: { pid: number; process?: string }): void {
  const same = () => stillRuns(dbt.pid, dbt.process);
  if (!dbt.process || !same()) return; // without an identity a pid may be anyone's: leave it
  log.warn(`stopping dbt pid ${dbt.pid}, left running by the run that held the lock`);
  const deadline = Date.now() + stopGraceMs();
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(dbt.pid, signal);
    } catch {
      // ended meanwhile
    }
  };
  kill('SIGTERM');
  let killed = false;
  while (same()) {
    if (!killed && Date.now() > deadline) {
      kill('SIGKILL');
      killed = true;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100); // a synchronous sleep: the lock is taken synchronously
  }
}

function hold(path: string, info: LockInfo): HeldLock {
  let released = false;
  // the lock names our running dbt; a rename keeps the file in place throughout
  const stopRecording = onDbtProcess((pid) => {
    if (released) return;
    const current: LockInfo = { ...info };
    if (pid !== null) current.dbt = { pid, ...(processIdentity(pid) ? { process: processIdentity(pid)! } : {}) };
    try {
      writeFileAtomic(path, JSON.stringify(current) + '\n');
    } catch (e) {
      log.warn(`could not record dbt's pid in the lock: ${(e as Error).message}`);
    }
  });
  const release = () => {
    if (released) return;
    released = true;
    stopRecording();
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
  const held: HeldLock = { path, info, release };
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruption()) {
      // a second signal: no more grace
      log.warn(`${signal} received again: killing dbt`);
      killRunningDbt('SIGKILL');
      return;
    }
    markInterrupted(signal);
    if (dbtRunning()) {
      const grace = stopGraceMs();
      log.warn(`${signal} received: stopping dbt (SIGKILL after ${grace / 1000} s), then the run ends and releases the lock`);
      void stopRunningDbt(grace);
      return;
    }
    log.warn(`${signal} received: the run ends and releases the lock`);
    try {
      held.onInterrupt?.(signal);
    } finally {
      release();
      process.exit(signalExitCode(signal));
    }
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  process.on('exit', release);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return held;
}

/** Runs fn under the data dir's lock, releasing it however fn ends. */
export async function withLock<T>(
  dataDir: string,
  command: string,
  fn: (lock: HeldLock) => Promise<T>,
  opts: { freeSpace?: () => void } = {},
): Promise<T> {
  const lock = acquireLock(dataDir, command, opts);
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}
