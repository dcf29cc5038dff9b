// Runs dbt (via zx) for a data dir: the project's .venv by default. dbt's
// own output (target/, logs/) goes under the data dir, so runs on different
// data dirs never share state.
import { $ } from 'zx';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { layout } from './paths.ts';
import { projectRoot, venvBin, ensurePythonEnv } from '../setup/python-env.ts';

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

/** The environment dbt runs with for a data dir and target. */
export function dbtEnv(opts: DbtOptions): Record<string, string> {
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
    ...opts.env,
  };
}

/** The dbt argument list for a subcommand (vars as one JSON document). */
export function dbtArgs(command: string[], opts: DbtOptions): string[] {
  const args = [...command];
  if (opts.vars && Object.keys(opts.vars).length) args.push('--vars', JSON.stringify(opts.vars));
  if (opts.target) args.push('--target', opts.target);
  return args;
}

export async function runDbt(command: string[], opts: DbtOptions): Promise<DbtRun> {
  ensurePythonEnv(opts.target === 'spark' ? ['spark'] : []);
  const env = { ...process.env, ...dbtEnv(opts) };
  const args = dbtArgs(command, opts);
  const rr = join(layout(opts.dataDir).dbtTarget, 'run_results.json');
  rmSync(rr, { force: true }); // never report an earlier invocation's results
  const p = $({ cwd: projectRoot, env, quiet: !opts.stream, nothrow: true })`${venvBin('dbt')} ${args}`;
  const out = await p;
  const runResults = existsSync(rr) ? (JSON.parse(readFileSync(rr, 'utf8')) as RunResults) : null;
  return { exitCode: out.exitCode ?? 1, stdout: out.stdout, stderr: out.stderr, runResults };
}
