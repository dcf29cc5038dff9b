// The published table contracts: schemas/tables/<table>.json, one JSON Schema
// per output table. `x-columns` lists the columns in table order (name,
// contract type, nullable); the rest is a row schema for ajv.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../setup/python-env.ts';
import type { ContractType } from './contract-types.ts';

export interface ContractColumn {
  name: string;
  type: ContractType;
  nullable: boolean;
  description?: string;
}

export interface TableContract {
  'x-table': string;
  'x-columns': ContractColumn[];
  properties: Record<string, Record<string, unknown>>;
  [k: string]: unknown;
}

export const tableSchemaDir = (root: string = projectRoot) => join(root, 'schemas', 'tables');

export function readTableContracts(dir: string = tableSchemaDir()): TableContract[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as TableContract);
}
