// Runs dbt (via zx) for a data dir: the project's .venv by default, or a
// container when FXA_DBT_RUNNER=docker. dbt's own output (target/, logs/)
// goes under the data dir, so runs on different data dirs never share state.
import { $, type ProcessPromise } from 'zx';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { layout } from './paths.ts';
import { usageError } from './errors.ts';
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
    // dbt's output ends up in run reports and log lines: no colour codes
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

// dbt processes started by this process, so that a signal handler can stop
// them before the data dir's lock is released.
const running = new Set<ProcessPromise>();

/** Sends a signal to every dbt process this process started and that still runs. */
export function killRunningDbt(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const p of running) {
    try {
      p.kill(signal);
    } catch {
      // already gone
    }
  }
}

export async function runDbt(command: string[], opts: DbtOptions): Promise<DbtRun> {
  const runner = dbtRunner();
  const env = { ...process.env, ...dbtEnv(opts) };
  const args = dbtArgs(command, opts);
  const rr = join(layout(opts.dataDir).dbtTarget, 'run_results.json');
  rmSync(rr, { force: true }); // never report an earlier invocation's results
  let p: ProcessPromise;
  if (runner === 'docker') {
    const { args: dockerArgs, input } = await dockerDbtInvocation({
      projectRoot,
      dataDir: opts.dataDir,
      target: dbtBaseEnv(opts).FXA_DBT_TARGET,
      dbtArgs: args,
      env: dbtBaseEnv(opts),
      secrets: opts.env ?? {},
      callerEnv: env,
      user: typeof process.getuid === 'function' ? `${process.getuid()}:${process.getgid!()}` : undefined,
    });
    p = $({ cwd: projectRoot, env, quiet: !opts.stream, nothrow: true, input: input || undefined })`docker ${dockerArgs}`;
  } else {
    const venv = ensurePythonEnv(opts.target === 'spark' ? ['spark'] : opts.target === 'databricks' ? ['databricks'] : []);
    p = $({ cwd: projectRoot, env, quiet: !opts.stream, nothrow: true })`${venvBin('dbt', venv)} ${args}`;
  }
  running.add(p);
  let out;
  try {
    out = await p;
  } finally {
    running.delete(p);
  }
  const runResults = existsSync(rr) ? (JSON.parse(readFileSync(rr, 'utf8')) as RunResults) : null;
  return { exitCode: out.exitCode ?? 1, stdout: out.stdout, stderr: out.stderr, runResults };
}
