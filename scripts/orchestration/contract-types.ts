// Contract type names (schemas/tables/*.json, x-columns[].type) and the
// engine type names they stand for, in one place. The dbt YAML contracts'
// data_type values go through the same map, so a YAML written with DuckDB
// names and one written with Spark/Databricks names mean the same contract.
export type ContractType = 'string' | 'bigint' | 'integer' | 'double' | 'boolean' | 'timestamp' | 'date';

const ENGINE_TO_CONTRACT: Record<string, ContractType> = {
  // DuckDB
  VARCHAR: 'string',
  TEXT: 'string',
  BIGINT: 'bigint',
  INT8: 'bigint',
  HUGEINT: 'bigint',
  INTEGER: 'integer',
  INT4: 'integer',
  DOUBLE: 'double',
  FLOAT8: 'double',
  BOOLEAN: 'boolean',
  BOOL: 'boolean',
  TIMESTAMP: 'timestamp',
  'TIMESTAMP WITHOUT TIME ZONE': 'timestamp',
  DATE: 'date',
  // Databricks / Spark
  STRING: 'string',
  LONG: 'bigint',
  INT: 'integer',
  TIMESTAMP_NTZ: 'timestamp',
};

/** The contract type of an engine (or dbt YAML) type name; null when unknown. */
export function contractType(engineType: string): ContractType | null {
  const t = engineType
    .trim()
    .toUpperCase()
    .replace(/\(.*\)$/, '');
  return ENGINE_TO_CONTRACT[t] ?? null;
}

/** JSON Schema for one value of a contract type as validate reads it from the warehouse. */
export function jsonSchemaFor(type: ContractType): Record<string, unknown> {
  switch (type) {
    case 'string':
      return { type: 'string' };
    case 'bigint':
    case 'integer':
      return { type: 'integer' };
    case 'double':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'timestamp':
      // ISO 8601 in UTC, as validate renders warehouse timestamps
      return { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' };
    case 'date':
      return { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
  }
}

/**
 * Turns a value read from a warehouse driver into its JSON form for the row
 * schema: BIGINT → number, TIMESTAMP → ISO string in UTC, DATE → YYYY-MM-DD.
 */
export function toJsonValue(type: ContractType | null, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return type === 'date' ? v.toISOString().slice(0, 10) : v.toISOString();
  if (typeof v === 'string' && type === 'timestamp' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(v)) {
    // drivers that return text timestamps (no zone): they are UTC by contract
    const iso = v.replace(' ', 'T');
    return /Z|[+-]\d{2}:?\d{2}$/.test(iso) ? new Date(iso).toISOString() : `${iso}Z`;
  }
  if (typeof v === 'string' && type === 'date' && /^\d{4}-\d{2}-\d{2}/.test(v)) return v.slice(0, 10);
  return v;
}
