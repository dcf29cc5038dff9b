// On the Databricks target the raw zone written by the loader is uploaded to
// a Unity Catalog volume and copied into the raw tables before dbt runs.
// Each night sends only the files not uploaded before (a list kept per volume
// in the data dir, written after a successful upload), so its cost does not
// grow with history; COPY INTO loads each file once, so a retry after a
// failure is safe.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { usageError } from '../lib/errors.ts';
import { layout } from '../lib/paths.ts';
import { log } from '../lib/log.ts';
import type { WarehouseTarget } from '../lib/warehouse/index.ts';
import { writeFileAtomic } from '../lib/write-file.ts';
import type { RunReport } from './run-report.ts';

export const VOLUME_ENV = 'DATABRICKS_VOLUME_PATH';

/** `/Volumes/<catalog>/<schema>/<volume>[/dir]` for the raw zone; required on Databricks. */
export function volumePath(target: WarehouseTarget, env: NodeJS.ProcessEnv = process.env): string | null {
  if (target !== 'databricks') return null;
  const v = env[VOLUME_ENV];
  if (!v)
    throw usageError(
      `the databricks target needs ${VOLUME_ENV} (the Unity Catalog volume for the raw zone, /Volumes/<catalog>/<schema>/<volume>)`,
    );
  return v;
}

/** Where the raw-zone files already sent to a volume are listed (one relative path a line). */
export function uploadedListPath(dataDir: string, volume: string): string {
  const id = createHash('sha256').update(volume.replace(/\/+$/, '')).digest('hex').slice(0, 16);
  return layout(dataDir).uploadedList(id);
}

export function readUploaded(dataDir: string, volume: string): Set<string> {
  const p = uploadedListPath(dataDir, volume);
  return new Set(existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : []);
}

export function recordUploaded(dataDir: string, volume: string, files: Iterable<string>): void {
  const p = uploadedListPath(dataDir, volume);
  const all = [...new Set([...readUploaded(dataDir, volume), ...files])].sort();
  writeFileAtomic(p, all.join('\n') + '\n');
}

export async function uploadStep(report: RunReport, dataDir: string, volume: string): Promise<void> {
  const { DatabricksWarehouse, databricksConfigFromEnv } = await import('../lib/warehouse/databricks.ts');
  const wh = await DatabricksWarehouse.open(databricksConfigFromEnv());
  try {
    log.info(`uploading new raw-zone files to ${volume}`);
    const r = await wh.uploadRawZone(layout(dataDir).raw, volume, readUploaded(dataDir, volume));
    recordUploaded(dataDir, volume, r.uploaded);
    report.upload = { volume, files: r.files };
  } finally {
    await wh.close();
  }
}
