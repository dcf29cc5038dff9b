// Generates schemas/tables/<table>.json (the published table contracts that
// `fxa-metrics validate` checks) from the dbt model contracts in
// models/marts/*.yml and models/marts/kpi/*.yml, so the two can never drift apart:
//   node --import tsx scripts/gen-table-schemas.ts           write the files
//   node --import tsx scripts/gen-table-schemas.ts --check   exit 1 when the committed files differ
//
// From the YAML: column order, data_type (mapped to a contract type), a
// `not_null` constraint or `not_null` data test (the column never holds
// null), and the `matches_pattern` data test's pattern (or `meta: {pattern}`),
// anchored at both ends as the dbt test is. Columns named uid, flow_id and
// device_id without a pattern get their hex patterns by default.
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { YAML } from 'zx';
import { contractType, jsonSchemaFor, type ContractType } from './orchestration/contract-types.ts';
import type { TableContract, ContractColumn } from './orchestration/table-contracts.ts';

export const DEFAULT_PATTERNS: Record<string, string> = {
  uid: '[0-9a-f]{64}',
  flow_id: '[0-9a-f]{64}',
  device_id: '[0-9a-f]{32}',
};

interface YamlColumn {
  name: string;
  description?: string;
  data_type?: string;
  constraints?: Array<{ type: string }>;
  tests?: unknown[];
  data_tests?: unknown[];
  meta?: { pattern?: string };
  config?: { meta?: { pattern?: string } };
}

interface YamlModel {
  name: string;
  description?: string;
  columns?: YamlColumn[];
  constraints?: Array<{ type: string; columns?: string[] }>;
}

const testName = (t: unknown): string | null =>
  typeof t === 'string' ? t : t && typeof t === 'object' ? (Object.keys(t as object)[0] ?? null) : null;

/** The pattern of a `matches_pattern` data test, in either argument style dbt accepts. */
function testPattern(t: unknown): string | null {
  if (testName(t) !== 'matches_pattern' || typeof t !== 'object' || t === null) return null;
  const cfg = (t as Record<string, { pattern?: string; arguments?: { pattern?: string } }>).matches_pattern ?? {};
  return cfg.arguments?.pattern ?? cfg.pattern ?? null;
}

function tableSchema(model: YamlModel, source: string): TableContract {
  const modelNotNull = new Set((model.constraints ?? []).filter((c) => c.type === 'not_null').flatMap((c) => c.columns ?? []));
  const columns: ContractColumn[] = [];
  const properties: Record<string, Record<string, unknown>> = {};
  for (const col of model.columns ?? []) {
    if (!col.data_type) throw new Error(`${source}: ${model.name}.${col.name} has no data_type`);
    const type: ContractType | null = contractType(col.data_type);
    if (!type) throw new Error(`${source}: ${model.name}.${col.name}: unknown data_type '${col.data_type}'`);
    const constrained = (col.constraints ?? []).some((c) => c.type === 'not_null') || modelNotNull.has(col.name);
    const tests = [...(col.data_tests ?? []), ...(col.tests ?? [])];
    const nullable = !(constrained || tests.some((t) => testName(t) === 'not_null'));
    columns.push({ name: col.name, type, nullable, ...(col.description ? { description: col.description.trim() } : {}) });
    const value: Record<string, unknown> = { ...jsonSchemaFor(type) };
    const tested = tests.map(testPattern).find((p) => p !== null);
    const pattern =
      tested ?? col.meta?.pattern ?? col.config?.meta?.pattern ?? (type === 'string' ? DEFAULT_PATTERNS[col.name] : undefined);
    if (pattern) value.pattern = /^\^.*\$$/.test(pattern) ? pattern : `^(?:${pattern})$`;
    if (nullable) value.type = [value.type as string, 'null'];
    properties[col.name] = value;
  }
  if (columns.length === 0) throw new Error(`${source}: model ${model.name} lists no columns`);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: model.name,
    ...(model.description ? { description: model.description.trim() } : {}),
    'x-table': model.name,
    'x-generated-from': source,
    'x-columns': columns,
    type: 'object',
    properties,
    required: columns.map((c) => c.name),
    additionalProperties: false,
  };
}

/** The folders whose model YAML files describe published tables: the marts and the KPI marts. */
export const MART_MODEL_DIRS = [
  ['models', 'marts'],
  ['models', 'marts', 'kpi'],
];

/** Every model of models/marts/*.yml and models/marts/kpi/*.yml as its table contract, by table name. */
export function buildTableSchemas(projectDir: string): Map<string, TableContract> {
  const out = new Map<string, TableContract>();
  for (const dir of MART_MODEL_DIRS.map((parts) => join(projectDir, ...parts)).filter((d) => existsSync(d))) {
    for (const f of readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()) {
      const doc = YAML.parse(readFileSync(join(dir, f), 'utf8')) as { models?: YamlModel[] } | null;
      for (const model of doc?.models ?? []) {
        if (out.has(model.name)) throw new Error(`model ${model.name} is described twice in models/marts`);
        out.set(model.name, tableSchema(model, relative(projectDir, join(dir, f))));
      }
    }
  }
  return out;
}

export const schemaText = (s: TableContract) => JSON.stringify(s, null, 2) + '\n';

/** Differences between the generated contracts and the files in schemas/tables/. */
export function diffTableSchemas(projectDir: string): string[] {
  const dir = join(projectDir, 'schemas', 'tables');
  const generated = buildTableSchemas(projectDir);
  const problems: string[] = [];
  const committed = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  for (const [name, schema] of generated) {
    const file = join(dir, `${name}.json`);
    if (!existsSync(file)) problems.push(`schemas/tables/${name}.json is missing`);
    else if (readFileSync(file, 'utf8') !== schemaText(schema)) problems.push(`schemas/tables/${name}.json differs from models/marts YAML`);
  }
  for (const f of committed)
    if (!generated.has(f.replace(/\.json$/, ''))) problems.push(`schemas/tables/${f} has no model in models/marts`);
  return problems;
}

export function writeTableSchemas(projectDir: string): string[] {
  const dir = join(projectDir, 'schemas', 'tables');
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, schema] of buildTableSchemas(projectDir)) {
    writeFileSync(join(dir, `${name}.json`), schemaText(schema));
    written.push(`schemas/tables/${name}.json`);
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  try {
    if (process.argv.includes('--check')) {
      const problems = diffTableSchemas(root);
      for (const p of problems) process.stderr.write(`${p}\n`);
      if (problems.length) process.stderr.write('run: npm run gen:schemas\n');
      process.exit(problems.length ? 1 : 0);
    }
    for (const f of writeTableSchemas(root)) process.stderr.write(`wrote ${f}\n`);
  } catch (e) {
    process.stderr.write(`gen-table-schemas: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
