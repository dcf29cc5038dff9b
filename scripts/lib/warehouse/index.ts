// Opens the warehouse of a dbt target: the embedded DuckDB file of the data
// dir, or Databricks (credentials from the environment).
import { existsSync } from 'node:fs';
import { CliError, ExitCode } from '../errors.ts';
import { layout } from '../paths.ts';
import type { Warehouse } from './types.ts';
import { DuckDbWarehouse } from './duckdb.ts';

export type WarehouseTarget = 'duckdb' | 'databricks';

export interface OpenWarehouseOptions {
  target: WarehouseTarget;
  dataDir: string;
  /** DuckDB: open read-only (validate, reports) */
  readOnly?: boolean;
}

/** Fails with exit 2 naming the variable before anything starts when a target's settings are missing. */
export async function checkTargetConfig(target: WarehouseTarget): Promise<void> {
  if (target === 'databricks') {
    const { databricksConfigFromEnv } = await import('./databricks.ts');
    databricksConfigFromEnv();
  }
}

export async function openWarehouse(opts: OpenWarehouseOptions): Promise<Warehouse> {
  if (opts.target === 'databricks') {
    // loaded on demand: the DuckDB path never pays for the Databricks driver
    const { DatabricksWarehouse, databricksConfigFromEnv } = await import('./databricks.ts');
    return DatabricksWarehouse.open(databricksConfigFromEnv());
  }
  const path = layout(opts.dataDir).warehouse;
  if (opts.readOnly && !existsSync(path)) {
    throw new CliError(`no warehouse at ${path}: run \`fxa-metrics nightly\` or \`fxa-metrics build\` first`, ExitCode.usage);
  }
  return DuckDbWarehouse.open(path, { readOnly: opts.readOnly });
}
