// On the Databricks target the raw zone written by the loader is uploaded to
// a Unity Catalog volume and copied into the raw tables before dbt runs.
// COPY INTO loads each file once, so uploading the whole raw zone every run
// (and again after a failure) is safe.
import { usageError } from '../lib/errors.ts';
import { layout } from '../lib/paths.ts';
import { log } from '../lib/log.ts';
import type { WarehouseTarget } from '../lib/warehouse/index.ts';
import type { RunReport } from './report.ts';

export const VOLUME_ENV = 'DATABRICKS_VOLUME_PATH';

/** `/Volumes/<catalog>/<schema>/<volume>[/dir]` for the raw zone; required on Databricks. */
export function volumePath(target: WarehouseTarget, env: NodeJS.ProcessEnv = process.env): string | null {
  if (target !== 'databricks') return null;
  const v = env[VOLUME_ENV];
  if (!v) throw usageError(`the databricks target needs ${VOLUME_ENV} (the Unity Catalog volume for the raw zone, /Volumes/<catalog>/<schema>/<volume>)`);
  return v;
}

export async function uploadStep(report: RunReport, dataDir: string, volume: string): Promise<void> {
  const { DatabricksWarehouse, databricksConfigFromEnv } = await import('../lib/warehouse/databricks.ts');
  const wh = await DatabricksWarehouse.open(databricksConfigFromEnv());
  try {
    log.info(`uploading the raw zone to ${volume}`);
    const r = await wh.uploadRawZone(layout(dataDir).raw, volume);
    report.upload = { volume, files: r.files };
  } finally {
    await wh.close();
  }
}
