// `npm run test:spark`: the Spark suite (tests/spark/*.test.ts): the models
// on Spark equal to DuckDB, and the Databricks client against a real Spark
// Thrift Server. Installs pyspark and dbt-spark into .venv first
// (requirements-spark.txt). One file at a time: each starts a Spark JVM,
// and two at once only slow each other down on a small machine.
//   npm run test:spark                  both files
//   npm run test:spark -- <pattern>     only files whose name contains <pattern>
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensurePythonEnv, projectRoot } from './setup/python-env.ts';

ensurePythonEnv(['spark']);
const dir = join(projectRoot, 'tests', 'spark');
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort()
  .map((f) => join('tests', 'spark', f));
if (files.length === 0) {
  process.stderr.write(`no Spark test files match ${filters.join(' ')}\n`);
  process.exit(2);
}
const started = Date.now();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
  cwd: projectRoot,
  env: { ...process.env, TZ: 'UTC' },
});
process.stderr.write(`Spark suite: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(r.status ?? 1);
