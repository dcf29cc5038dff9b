// What the equality tests compare, and how: the published marts (one
// contract each in schemas/tables/, so a new mart is compared as soon as it
// is published), and the row difference of two relations, EXCEPT ALL both
// ways so that duplicates count too.
import { readTableContracts } from '../../scripts/orchestration/table-contracts.ts';

const contracts = readTableContracts();

/** Every published mart: the metrics-docs tables and the KPI tables. */
export const MART_TABLES: string[] = contracts.map((c) => c['x-table']);

/** The metrics-docs tables (models/marts/*.yml), without the KPI tables of models/marts/kpi/. */
export const BASE_MARTS: string[] = contracts
  .filter((c) => !String(c['x-generated-from'] ?? '').includes('/kpi/'))
  .map((c) => c['x-table']);

/** The published tables with a sample_id column: the contracts' answer to which tables carry a uid. */
export const SAMPLED_TABLES: string[] = contracts
  .filter((c) => c['x-columns'].some((col) => col.name === 'sample_id'))
  .map((c) => c['x-table']);

/** Runs a query and returns its rows as objects. */
export type Rows = (sql: string) => Promise<Record<string, unknown>[]>;

export interface RowDifference {
  rowsA: number;
  rowsB: number;
  /** rows (with multiplicity) of A that B lacks */
  onlyA: number;
  onlyB: number;
  /** up to `examples` differing rows of each side, `side` 'a' or 'b' first */
  examples: Record<string, unknown>[];
}

/** Compares two queries' rows as multisets. `a` and `b` are SELECT statements. */
export async function rowDifference(rows: Rows, a: string, b: string, opts: { examples?: number } = {}): Promise<RowDifference> {
  const count = async (sql: string) => Number((await rows(`select count(*) as n from (${sql})`))[0].n);
  const onlyA = `select * from (${a}) except all select * from (${b})`;
  const onlyB = `select * from (${b}) except all select * from (${a})`;
  const n = opts.examples ?? 0;
  return {
    rowsA: await count(a),
    rowsB: await count(b),
    onlyA: await count(onlyA),
    onlyB: await count(onlyB),
    examples: n
      ? [
          ...(await rows(`select 'a' as side, * from (${onlyA}) limit ${n}`)),
          ...(await rows(`select 'b' as side, * from (${onlyB}) limit ${n}`)),
        ]
      : [],
  };
}
