// The data directory's layout, in one place. Everything the project writes
// lives under the data dir; nothing under it is tracked by git.
import { statSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { usageError } from './errors.ts';

export const DEFAULT_DATA_DIR = 'data';

/** The data dir from --data-dir, $FXA_DATA_DIR or ./data; a path that exists but is no directory is a usage error. */
export function resolveDataDir(flag?: string): string {
  const dir = resolve(flag ?? process.env.FXA_DATA_DIR ?? DEFAULT_DATA_DIR);
  let st;
  try {
    st = statSync(dir);
  } catch {
    return dir; // created by the first run that writes
  }
  if (!st.isDirectory()) {
    const from = flag !== undefined ? '--data-dir' : process.env.FXA_DATA_DIR !== undefined ? 'FXA_DATA_DIR' : 'the default data dir';
    throw usageError(`${from} ${dir} is not a directory: give a directory (it is created when missing)`);
  }
  return dir;
}

export type RawTable = 'flow_events' | 'activity_events';
export const RAW_TABLES: RawTable[] = ['flow_events', 'activity_events'];

export function layout(dataDir: string) {
  return {
    root: dataDir,
    /** raw zone: <raw>/<table>/day=YYYY-MM-DD/<load-id>.parquet */
    raw: join(dataDir, 'raw'),
    rawTable: (t: RawTable) => join(dataDir, 'raw', t),
    rawPartition: (t: RawTable, day: string) => join(dataDir, 'raw', t, `day=${day}`),
    /** rejected lines, one NDJSON file per load */
    quarantine: join(dataDir, 'quarantine'),
    /** one committed record per load: the manifest of loaded files */
    loads: join(dataDir, 'loads'),
    /** work area of loads in progress; never read by anything else */
    staging: join(dataDir, '.staging'),
    warehouse: join(dataDir, 'warehouse.duckdb'),
    /** one run-report per nightly/build/backfill run, the KPI report beside it, and the run state */
    runs: join(dataDir, 'runs'),
    runReport: (runId: string) => join(dataDir, 'runs', `${runId}.json`),
    kpiReport: (runId: string) => join(dataDir, 'runs', `${runId}.report.html`),
    /** the KPI report `npm start` writes when no nightly run wrote one */
    startKpiReport: join(dataDir, 'report.html'),
    /** the run state: days loaded but not yet built, and whether the last build awaits its checks */
    pendingDays: join(dataDir, 'runs', 'pending-days.json'),
    dbtTarget: join(dataDir, 'dbt', 'target'),
    dbtRunResults: join(dataDir, 'dbt', 'target', 'run_results.json'),
    dbtLogs: join(dataDir, 'dbt', 'logs'),
    /** the dbt docs site (`fxa-metrics docs`): static_index.html opens from disk */
    dbtDocs: join(dataDir, 'dbt-docs'),
    spark: join(dataDir, 'spark'),
    /** Databricks target: per volume (by a hash of its path), the raw-zone files already uploaded to it */
    uploads: join(dataDir, 'uploads'),
    uploadedList: (volumeId: string) => join(dataDir, 'uploads', `${volumeId}.txt`),
    lock: join(dataDir, 'fxa-metrics.lock'),
    /** HMAC(key, fixed label) of the uid key the data dir was loaded with */
    keyFingerprint: join(dataDir, 'key-fingerprint'),
  };
}
