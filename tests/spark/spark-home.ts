// Where the pyspark wheel in .venv keeps Spark (jars, bin/spark-submit), and
// the environment every Spark process of the tests runs with: loopback only,
// UTC, nothing written into the working directory.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePythonEnv, venvDir } from '../../scripts/setup/python-env.ts';

export function sparkHome(): string {
  ensurePythonEnv(['spark']);
  const lib = join(venvDir, 'lib');
  const python = readdirSync(lib).find((d) => d.startsWith('python') && existsSync(join(lib, d, 'site-packages', 'pyspark')));
  if (!python) throw new Error(`pyspark is not installed in ${venvDir}`);
  return join(lib, python, 'site-packages', 'pyspark');
}

export function sparkEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SPARK_HOME: home,
    SPARK_LOCAL_IP: '127.0.0.1',
    PYSPARK_PYTHON: join(venvDir, 'bin', 'python'),
    TZ: 'UTC',
  };
}
