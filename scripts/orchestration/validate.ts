// Checks a live warehouse against the table contracts: every table present,
// its columns (names, order-independent; types; nullability) and a sample of
// rows validated with ajv. Every mismatch names its table and column.
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import type { ColumnInfo, Warehouse } from '../lib/warehouse/types.ts';
import { contractType, toJsonValue, type ContractType } from './contract-types.ts';
import type { TableContract } from './table-contracts.ts';

export type FindingKind = 'missing_table' | 'missing_column' | 'extra_column' | 'type' | 'nullability' | 'row';

export interface Finding {
  table: string;
  column: string | null;
  kind: FindingKind;
  message: string;
  /** row findings: how many sampled rows break the rule */
  rows?: number;
  /** row findings: the first offending value, cut to its first characters */
  example?: string;
}

export interface ValidationResult {
  tables: Array<{ table: string; columns: number; sampledRows: number }>;
  findings: Finding[];
}

/** Shows only the start of an offending value: enough to find it, not to leak it. */
export function redactValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length <= 4 ? JSON.stringify(s) : JSON.stringify(s.slice(0, 4) + '…');
}

export function compileContracts(contracts: TableContract[]): Map<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: true });
  // annotations of the table contracts, not validation keywords
  ajv.addKeyword({ keyword: 'x-table', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'x-generated-from', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'x-columns', schemaType: 'array' });
  const out = new Map<string, ValidateFunction>();
  for (const c of contracts) out.set(c['x-table'], ajv.compile(c));
  return out;
}

export function compareColumns(contract: TableContract, live: ColumnInfo[]): Finding[] {
  const table = contract['x-table'];
  if (live.length === 0) return [{ table, column: null, kind: 'missing_table', message: `table ${table} does not exist` }];
  const findings: Finding[] = [];
  const liveByName = new Map(live.map((c) => [c.name, c]));
  const wanted = new Set(contract['x-columns'].map((c) => c.name));
  for (const col of contract['x-columns']) {
    const l = liveByName.get(col.name);
    if (!l) {
      findings.push({
        table,
        column: col.name,
        kind: 'missing_column',
        message: `${table}.${col.name} is missing (contract: ${col.type})`,
      });
      continue;
    }
    const liveType = contractType(l.type);
    if (liveType !== col.type) {
      findings.push({ table, column: col.name, kind: 'type', message: `${table}.${col.name} is ${l.type}, contract says ${col.type}` });
    }
    // Only a NOT NULL the contract does not promise is a column-level mismatch:
    // dbt builds tables without NOT NULL constraints unless the YAML declares
    // them, so a column the contract keeps free of nulls is checked on the rows.
    if (!l.nullable && col.nullable) {
      findings.push({
        table,
        column: col.name,
        kind: 'nullability',
        message: `${table}.${col.name} is ${l.nullable ? 'nullable' : 'NOT NULL'}, contract says ${col.nullable ? 'nullable' : 'NOT NULL'}`,
      });
    }
  }
  for (const l of live) {
    if (!wanted.has(l.name))
      findings.push({ table, column: l.name, kind: 'extra_column', message: `${table}.${l.name} (${l.type}) is not in the contract` });
  }
  return findings;
}

function columnOfError(e: ErrorObject): string | null {
  const m = /^\/([^/]+)/.exec(e.instancePath);
  if (m) return m[1].replace(/~1/g, '/').replace(/~0/g, '~');
  if (e.keyword === 'required') return String(e.params.missingProperty);
  if (e.keyword === 'additionalProperties') return String(e.params.additionalProperty);
  return null;
}

/** Row findings aggregated per (column, rule): the count and the first offending value. */
export function checkRows(
  contract: TableContract,
  validateRow: ValidateFunction,
  rows: Record<string, unknown>[],
  skipColumns: Set<string>,
): Finding[] {
  const table = contract['x-table'];
  const types = new Map<string, ContractType>(contract['x-columns'].map((c) => [c.name, c.type]));
  const agg = new Map<string, Finding>();
  for (const raw of rows) {
    const row: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) row[k] = toJsonValue(types.get(k) ?? null, v);
    if (validateRow(row)) continue;
    const seenInRow = new Set<string>();
    for (const e of validateRow.errors ?? []) {
      const column = columnOfError(e);
      // Missing, extra and mistyped columns are reported once, by the column check.
      if (column !== null && skipColumns.has(column)) continue;
      if (e.keyword === 'required' || e.keyword === 'additionalProperties') continue;
      const key = `${column}\0${e.keyword}\0${e.message}`;
      if (seenInRow.has(key)) continue;
      seenInRow.add(key);
      const prev = agg.get(key);
      if (prev) prev.rows = (prev.rows ?? 0) + 1;
      else {
        agg.set(key, {
          table,
          column,
          kind: 'row',
          message: `${table}.${column ?? '?'} ${e.message ?? e.keyword}`,
          rows: 1,
          example: redactValue(column !== null ? row[column] : row),
        });
      }
    }
  }
  return [...agg.values()];
}

export async function validateWarehouse(wh: Warehouse, contracts: TableContract[], sampleSize: number): Promise<ValidationResult> {
  const validators = compileContracts(contracts);
  const result: ValidationResult = { tables: [], findings: [] };
  for (const contract of contracts) {
    const table = contract['x-table'];
    const live = await wh.columns(table);
    const colFindings = compareColumns(contract, live);
    result.findings.push(...colFindings);
    if (live.length === 0) {
      result.tables.push({ table, columns: 0, sampledRows: 0 });
      continue;
    }
    const skip = new Set(colFindings.filter((f) => f.kind !== 'nullability' && f.column !== null).map((f) => f.column!));
    const rows = sampleSize > 0 ? await wh.sample(table, sampleSize) : [];
    result.findings.push(...checkRows(contract, validators.get(table)!, rows, skip));
    result.tables.push({ table, columns: live.length, sampledRows: rows.length });
  }
  return result;
}
