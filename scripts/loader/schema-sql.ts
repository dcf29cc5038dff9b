// The JSON Schemas of schemas/events/ turned into SQL boolean expressions,
// so that the native engine (native-engine.ts) checks lines in DuckDB by the
// same written rules ajv applies in rules.ts. A generated check may only be
// stricter than ajv, never looser: a line it refuses goes to the per-line
// path, where ajv decides and explains. A schema keyword this module does not
// know makes generation fail, so a new rule cannot be skipped silently.
//
// The expressions work on a value's JSON text as DuckDB's json_transform
// gives it for a JSON-typed member: NULL when the key is absent or its value
// is null, else the value re-serialised (a string with its quotes, a number
// as digits, `true`…).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_DIR } from './rules.ts';
import { sqlString } from './sql.ts';

export interface PropertySchema {
  type?: string | string[];
  pattern?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  [k: string]: unknown;
}

export interface ObjectSchema {
  type?: string;
  required?: string[];
  properties: Record<string, PropertySchema>;
  [k: string]: unknown;
}

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description']);
const OBJECT_KEYWORDS = new Set([...ANNOTATIONS, 'type', 'required', 'properties']);
const PROPERTY_KEYWORDS = new Set([...ANNOTATIONS, 'type', 'pattern', 'minLength', 'minimum', 'maximum']);

export function readSchema(name: string): ObjectSchema {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, name), 'utf8')) as ObjectSchema;
}

/** Field names become SQL identifiers and JSON keys: only plain names are allowed. */
export function checkName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`schema property name not supported by the native engine: ${name}`);
  return name;
}

/** The string value of a JSON string text: re-parsed only when it holds an escape. */
export function stringValue(jsonText: string): string {
  return `CASE WHEN contains(${jsonText}, '\\') THEN json_extract_string(${jsonText}, '$') ELSE ${jsonText}[2:-2] END`;
}

const INTEGER_TEXT = `'-?[0-9]+'`;

/** One property: its value text is NULL (absent or null) or matches one of its types and their constraints. */
function propertyCheck(name: string, p: PropertySchema, required: boolean, text: string): string {
  for (const k of Object.keys(p)) {
    if (!PROPERTY_KEYWORDS.has(k)) throw new Error(`schema keyword "${k}" of ${name} not supported by the native engine`);
  }
  const types = p.type === undefined ? [] : Array.isArray(p.type) ? p.type : [p.type];
  if (types.length === 0) throw new Error(`schema property ${name} has no type`);
  const alternatives: string[] = [];
  for (const t of types) {
    if (t === 'null') continue; // null reads as NULL, handled below
    if (t === 'string') {
      const s = stringValue(text);
      const parts = [`starts_with(${text}, '"')`];
      // RE2 and JavaScript agree on the plain anchored character-class patterns the schemas use.
      if (p.pattern !== undefined) parts.push(`regexp_matches(${s}, ${sqlString(p.pattern)})`);
      if (p.minLength !== undefined) parts.push(`length(${s}) >= ${Number(p.minLength)}`);
      alternatives.push(`(${parts.join(' AND ')})`);
    } else if (t === 'integer') {
      // Only plain digits: 1.0 or 1e3 (integers to ajv) go to the per-line path, which is always safe.
      const parts = [`regexp_full_match(${text}, ${INTEGER_TEXT})`];
      if (p.minimum !== undefined) parts.push(`TRY_CAST(${text} AS HUGEINT) >= ${BigInt(p.minimum)}`);
      if (p.maximum !== undefined) parts.push(`TRY_CAST(${text} AS HUGEINT) <= ${BigInt(p.maximum)}`);
      alternatives.push(`(${parts.join(' AND ')})`);
    } else if (t === 'boolean') {
      alternatives.push(`${text} IN ('true', 'false')`);
    } else if (t === 'object') {
      alternatives.push(`starts_with(${text}, '{')`);
    } else {
      throw new Error(`schema type "${t}" of ${name} not supported by the native engine`);
    }
  }
  const typed = alternatives.length ? `COALESCE(${alternatives.join(' OR ')}, false)` : 'false';
  // A required value must be there (and not null: no schema allows a null required value, and if one did, the per-line path decides).
  return required ? `(${text} IS NOT NULL AND ${typed})` : `(${text} IS NULL OR ${typed})`;
}

/**
 * The SQL condition under which an object passes its schema, given the SQL
 * expression of each property's JSON text. Stricter than ajv only where
 * noted (numbers written with a fraction or exponent, null required values).
 */
export function objectCheck(schema: ObjectSchema, textOf: (name: string) => string): string {
  for (const k of Object.keys(schema)) {
    if (!OBJECT_KEYWORDS.has(k)) throw new Error(`schema keyword "${k}" not supported by the native engine`);
  }
  if (schema.type !== 'object') throw new Error('the native engine checks object schemas only');
  const required = new Set(schema.required ?? []);
  for (const r of required) if (!(r in schema.properties)) throw new Error(`required ${r} has no property schema`);
  const checks = Object.entries(schema.properties).map(([name, p]) => propertyCheck(checkName(name), p, required.has(name), textOf(name)));
  return checks.length ? checks.join('\n AND ') : 'true';
}
