// Runs dbt for a data dir: the project's .venv by default, or a container
// when FXA_DBT_RUNNER=docker. dbt's own output (target/, logs/) goes under
// the data dir, so runs on different data dirs never share state.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants } from 'node:os';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { layout } from './paths.ts';
import { usageError } from './errors.ts';
import { InterruptedError, interruption } from './interrupt.ts';
import { HMAC_KEY_ENV } from '../loader/key.ts';
import { projectRoot, venvBin, ensurePythonEnv } from '../setup/python-env.ts';
import { dockerDbtInvocation } from './dbt-docker.ts';

export { dockerRunArgs, dockerImageTag, dockerBuildArgs } from './dbt-docker.ts';

export interface DbtOptions {
  dataDir: string;
  /** dbt profile target: duckdb (default), spark, databricks */
  target?: string;
  /** dbt --vars */
  vars?: Record<string, unknown>;
  /** extra environment (e.g. Databricks credentials) */
  env?: Record<string, string>;
  /** echo dbt's output to stderr while it runs */
  stream?: boolean;
}

export interface DbtRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** dbt's target/run_results.json of this invocation, when it wrote one */
  runResults: RunResults | null;
}

export interface RunResults {
  results: Array<{
    unique_id: string;
    status: string;
    execution_time: number;
    message: string | null;
    failures: number | null;
    adapter_response?: { rows_affected?: number; _message?: string };
  }>;
  elapsed_time: number;
  metadata?: { invocation_id?: string; env?: Record<string, string> };
}

export type DbtRunner = 'venv' | 'docker';

/** FXA_DBT_RUNNER: `venv` (default) or `docker`. */
export function dbtRunner(env: NodeJS.ProcessEnv = process.env): DbtRunner {
  const r = env.FXA_DBT_RUNNER ?? 'venv';
  if (r !== 'venv' && r !== 'docker') throw usageError(`FXA_DBT_RUNNER must be venv or docker, not '${r}'`);
  return r;
}

/** The environment dbt runs with for a data dir and target. */
export function dbtEnv(opts: DbtOptions): Record<string, string> {
  return { ...dbtBaseEnv(opts), ...opts.env };
}

/** dbtEnv without the caller's extra variables (which may hold secrets). */
function dbtBaseEnv(opts: DbtOptions): Record<string, string> {
  const l = layout(opts.dataDir);
  return {
    FXA_DATA_DIR: opts.dataDir,
    FXA_DBT_TARGET: opts.target ?? process.env.FXA_DBT_TARGET ?? 'duckdb',
    DBT_PROFILES_DIR: projectRoot,
    DBT_PROJECT_DIR: projectRoot,
    DBT_TARGET_PATH: l.dbtTarget,
    DBT_LOG_PATH: l.dbtLogs,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DBT_PARTIAL_PARSE: 'true',
    // dbt's output ends up in run-reports and log lines: no colour codes
    DBT_USE_COLORS: 'false',
  };
}

/** The dbt argument list for a subcommand (vars as one JSON document). */
export function dbtArgs(command: string[], opts: DbtOptions): string[] {
  const args = [...command];
  if (opts.vars && Object.keys(opts.vars).length) args.push('--vars', JSON.stringify(opts.vars));
  if (opts.target) args.push('--target', opts.target);
  return args;
}

/**
 * dbt copies variables named DBT_ENV_CUSTOM_ENV_<NAME> into
 * run_results.json's metadata.env: a fresh value per invocation tells this
 * invocation's results from those an earlier or orphaned dbt wrote.
 */
const INVOCATION_ENV = 'DBT_ENV_CUSTOM_ENV_FXA_INVOCATION';

/** The environment of the dbt process: ours plus dbtEnv, without the uid HMAC key (dbt never needs it). */
export function dbtProcessEnv(opts: DbtOptions, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...dbtEnv(opts) };
  delete env[HMAC_KEY_ENV];
  return env;
}

/** How long a stopped dbt gets to end after SIGTERM before it is killed (FXA_DBT_STOP_GRACE_SECONDS, default 30). */
export function stopGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.FXA_DBT_STOP_GRACE_SECONDS ?? 30);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : 30_000;
}

// dbt processes started by this process, so that a signal handler can stop
// them (and wait for them) before the data dir's lock is released.
const running = new Map<ChildProcess, Promise<void>>();

// Told the pid of every dbt started (the lock records it, so that a run
// taking over the lock of a killed run can stop the dbt it left running).
const spawnListeners = new Set<(pid: number | null) => void>();

/** Calls `fn` with the pid of each dbt when it starts, and with null when none runs any more. */
export function onDbtProcess(fn: (pid: number | null) => void): () => void {
  spawnListeners.add(fn);
  return () => spawnListeners.delete(fn);
}

export function dbtRunning(): boolean {
  return running.size > 0;
}

/** Sends a signal to every dbt process this process started and that still runs. */
export function killRunningDbt(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of running.keys()) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM to every running dbt, SIGKILL to those still running after graceMs; resolves once all have ended. */
export async function stopRunningDbt(graceMs: number): Promise<void> {
  const ended = Promise.all(running.values());
  killRunningDbt('SIGTERM');
  const timer = setTimeout(() => killRunningDbt('SIGKILL'), graceMs);
  try {
    await ended;
  } finally {
    clearTimeout(timer);
  }
}

interface Exit {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Spawns without a shell, so the child's pid is dbt's (or docker's) own, and a signal reaches it. */
function spawnDbt(cmd: string, args: string[], env: NodeJS.ProcessEnv, stream: boolean, input?: string): Promise<Exit> {
  const child = spawn(cmd, args, { cwd: projectRoot, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  // The Docker runner hands secrets to the container on stdin (never in its inspectable config).
  if (input !== undefined) child.stdin!.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (stream) process.stderr.write(d);
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (stream) process.stderr.write(d);
  });
  let markEnded: () => void;
  running.set(child, new Promise<void>((resolve) => (markEnded = resolve)));
  if (child.pid !== undefined) for (const fn of spawnListeners) fn(child.pid);
  return new Promise<Exit>((resolve) => {
    let spawnError: Error | null = null;
    child.on('error', (e) => (spawnError = e));
    child.on('close', (code, signal) => {
      running.delete(child);
      markEnded();
      if (running.size === 0) for (const fn of spawnListeners) fn(null);
      if (spawnError) resolve({ exitCode: 127, stdout, stderr: `${stderr}\ncannot run ${cmd}: ${spawnError.message}` });
      else resolve({ exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0), stdout, stderr });
    });
  });
}

export async function runDbt(command: string[], opts: DbtOptions): Promise<DbtRun> {
  const stopped = interruption();
  if (stopped) throw new InterruptedError(stopped);
  const runner = dbtRunner();
  const invocation = randomUUID();
  const env: NodeJS.ProcessEnv = { ...dbtProcessEnv(opts), [INVOCATION_ENV]: invocation };
  const args = dbtArgs(command, opts);
  const rr = layout(opts.dataDir).dbtRunResults;
  rmSync(rr, { force: true });
  let out: Exit;
  if (runner === 'docker') {
    const { args: dockerArgs, input } = await dockerDbtInvocation({
      projectRoot,
      dataDir: opts.dataDir,
      target: dbtBaseEnv(opts).FXA_DBT_TARGET,
      dbtArgs: args,
      env: { ...dbtBaseEnv(opts), [INVOCATION_ENV]: invocation },
      secrets: opts.env ?? {},
      callerEnv: env,
      user: typeof process.getuid === 'function' ? `${process.getuid()}:${process.getgid!()}` : undefined,
    });
    out = await spawnDbt('docker', dockerArgs, env, opts.stream ?? false, input || undefined);
  } else {
    const venv = ensurePythonEnv(opts.target === 'spark' ? ['spark'] : opts.target === 'databricks' ? ['databricks'] : []);
    out = await spawnDbt(venvBin('dbt', venv), args, env, opts.stream ?? false);
  }
  const signal = interruption();
  if (signal) throw new InterruptedError(signal);
  return { exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr, runResults: readRunResults(rr, invocation) };
}

/** This invocation's run_results.json, or null (none written, unreadable, or another process's). */
export function readRunResults(path: string, invocation: string): RunResults | null {
  if (!existsSync(path)) return null;
  let rr: RunResults;
  try {
    rr = JSON.parse(readFileSync(path, 'utf8')) as RunResults;
  } catch {
    return null; // half-written by a dbt that was killed
  }
  return rr.metadata?.env?.FXA_INVOCATION === invocation ? rr : null;
}
