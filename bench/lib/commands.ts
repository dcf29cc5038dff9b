// The processes the bench measures: the project's own CLI and dbt, started
// exactly as an operator would start them.
import { join } from 'node:path';
import { projectRoot, venvBin, ensurePythonEnv } from '../../scripts/setup/python-env.ts';
import { dbtArgs, dbtEnv, type DbtOptions, type RunResults } from '../../scripts/lib/dbt.ts';
import { layout } from '../../scripts/lib/paths.ts';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { measure, type Measured } from './measure.ts';

export { projectRoot };

/** A fixed, non-secret key: the bench data is synthetic. */
export const BENCH_HMAC_KEY = 'fxa-metrics-bench-key-not-a-secret';

const cliEnv = { FXA_UID_HMAC_KEY: BENCH_HMAC_KEY, FXA_DATA_DIR: undefined };

/** `fxa-metrics <args>` in its own process. */
export function fxa(args: string[]): Promise<Measured> {
  return measure(process.execPath, [join(projectRoot, 'bin', 'fxa-metrics.mjs'), ...args], {
    cwd: projectRoot,
    env: cliEnv,
  });
}

/** A bench child script (bench/children/*.ts) in its own process. */
export function benchChild(script: string, args: string[]): Promise<Measured> {
  return measure(process.execPath, ['--import', 'tsx', join(projectRoot, 'bench', 'children', script), ...args], {
    cwd: projectRoot,
  });
}

/** dbt itself (the project's .venv), with the same environment runDbt() gives it. */
export async function dbt(command: string[], opts: DbtOptions): Promise<{ run: Measured; runResults: RunResults | null }> {
  ensurePythonEnv();
  const rr = join(layout(opts.dataDir).dbtTarget, 'run_results.json');
  rmSync(rr, { force: true });
  const run = await measure(venvBin('dbt'), dbtArgs(command, opts), { cwd: projectRoot, env: dbtEnv(opts) });
  const runResults = existsSync(rr) ? (JSON.parse(readFileSync(rr, 'utf8')) as RunResults) : null;
  return { run, runResults };
}
