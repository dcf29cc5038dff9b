// Which engine does the bulk of a load: `js` (every line parsed and checked
// by ajv in worker threads, chunk.ts) or `native` (DuckDB reads and checks
// the files, native-engine.ts; only the lines it cannot vouch for take the
// per-line path). FXA_LOADER_ENGINE chooses; both write the same raw zone.
import { usageError } from '../lib/errors.ts';

export type LoaderEngine = 'js' | 'native';

export const DEFAULT_ENGINE: LoaderEngine = 'js';

export function loaderEngine(): LoaderEngine {
  const env = process.env.FXA_LOADER_ENGINE;
  if (env === undefined || env === '') return DEFAULT_ENGINE;
  if (env === 'js' || env === 'native') return env;
  throw usageError(`FXA_LOADER_ENGINE must be js or native, not ${JSON.stringify(env)}`);
}
