// `npm run dbt -- <dbt args>`: the project's dbt (.venv) for the data dir in
// FXA_DATA_DIR (default ./data), with the same environment the CLI uses, e.g.
//   npm run dbt -- build --select flow_metadata
// dbt's output streams through; its exit code is this script's exit code.
import { spawnSync } from 'node:child_process';
import { dbtEnv } from './lib/dbt.ts';
import { resolveDataDir } from './lib/paths.ts';
import { ensurePythonEnv, projectRoot, venvBin } from './setup/python-env.ts';

ensurePythonEnv();
const env = { ...process.env, ...dbtEnv({ dataDir: resolveDataDir() }) };
const r = spawnSync(venvBin('dbt'), process.argv.slice(2), { stdio: 'inherit', cwd: projectRoot, env });
if (r.error) {
  process.stderr.write(`fxa-metrics: cannot run dbt: ${r.error.message}\n`);
  process.exit(1);
}
process.exit(r.status ?? 1);
