// Creates the project's Python virtual environment (.venv) from the pinned
// requirements files, so a fresh clone needs nothing installed by hand.
// Runs on `npm install` (postinstall) and again before dbt is used; it is a
// no-op when .venv already matches the requirements (hash stamp).
//
//   node --import tsx scripts/setup/python-env.ts [--with spark] [--with databricks]
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
export const venvDir = join(projectRoot, '.venv');
export const venvBin = (tool: string, dir: string = venvDir) => join(dir, 'bin', tool);

// dbt-databricks pins dbt-spark below the release requirements-spark.txt
// needs, so the Databricks target gets a virtual environment of its own.
const databricksVenvDir = join(projectRoot, '.venv-databricks');

const requirementFiles: Record<string, string> = {
  core: 'requirements.txt',
  spark: 'requirements-spark.txt',
  databricks: 'requirements-databricks.txt',
};

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: projectRoot });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/**
 * Ensures the virtual environment for the given requirement sets ('core'
 * always) exists and is up to date; returns its directory.
 */
export function ensurePythonEnv(extras: string[] = []): string {
  const sets = ['core', ...extras.filter((e) => e !== 'core')];
  const files = sets.map((s) => {
    const f = requirementFiles[s];
    if (!f) throw new Error(`unknown requirement set '${s}'`);
    return f;
  });
  const hash = createHash('sha256');
  for (const f of files) hash.update(readFileSync(join(projectRoot, f)));
  const wanted = hash.digest('hex');
  const dir = sets.includes('databricks') ? databricksVenvDir : venvDir;
  const stamp = join(dir, `.fxa-${sets.join('+')}.sha256`);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return dir;

  const python = process.env.PYTHON ?? 'python3';
  if (!existsSync(venvBin('python', dir))) {
    process.stderr.write(`setting up Python environment in ${dir}\n`);
    run(python, ['-m', 'venv', dir]);
  }
  const pipArgs = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
  for (const f of files) pipArgs.push('-r', f);
  process.stderr.write(`installing Python requirements: ${files.join(', ')}\n`);
  run(venvBin('python', dir), pipArgs);
  writeFileSync(stamp, wanted);
  return dir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.env.FXA_SKIP_PYTHON_SETUP === '1') process.exit(0);
  const extras: string[] = [];
  for (let i = 2; i < process.argv.length; i++) {
    if (process.argv[i] === '--with' && process.argv[i + 1]) extras.push(process.argv[++i]);
  }
  try {
    ensurePythonEnv(extras);
  } catch (e) {
    process.stderr.write(`fxa-metrics setup: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
