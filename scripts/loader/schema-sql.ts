// The JSON Schemas of schemas/events/ turned into SQL boolean expressions,
// so that the load's scan (scan-sql.ts) checks lines in DuckDB by the same
// written rules ajv applies in rules.ts. A generated check may only be
// stricter than ajv, never looser: a line it refuses goes to JavaScript,
// where ajv decides and explains. A schema keyword this module does not know
// makes generation fail, so a new rule cannot be skipped silently.
//
// The expressions work on a value's JSON text as DuckDB's read_json gives it
// for a JSON-typed member: NULL when the key is absent or its value is null,
// else the value re-serialised (a string with its quotes, an integer as its
// digits, a double with a fraction or exponent, `true`…), and on the two
// values taken from it once per row (valueColumns): the string, and the
// integer.
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
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`schema property name not supported by the SQL checks: ${name}`);
  return name;
}

/** The string value of a JSON string text: re-parsed only when it holds an escape. */
export function stringValue(jsonText: string): string {
  return `CASE WHEN contains(${jsonText}, '\\') THEN json_extract_string(${jsonText}, '$') ELSE ${jsonText}[2:-2] END`;
}

const INTEGER_TEXT = `'-?[0-9]+'`;

/** SQL names of a property's JSON text and of the values taken from it. */
export interface ValueRefs {
  /** the JSON text */
  text: string;
  /** the string, when the value is a JSON string */
  str: string;
  /** the HUGEINT, when the value is written as an integer (digits, optional '-') */
  int: string;
}

/** The projections of the values of ValueRefs, given the SQL expression of the JSON text. */
export function valueColumns(text: string, refs: ValueRefs): string[] {
  return [
    `CASE WHEN starts_with(${text}, '"') THEN ${stringValue(text)} END AS ${refs.str}`,
    `CASE WHEN regexp_full_match(${text}, ${INTEGER_TEXT}) THEN TRY_CAST(${text} AS HUGEINT) END AS ${refs.int}`,
  ];
}

/** One property: its value text is NULL (absent or null) or matches one of its types and their constraints. */
function propertyCheck(name: string, p: PropertySchema, required: boolean, v: ValueRefs): string {
  const text = v.text;
  for (const k of Object.keys(p)) {
    if (!PROPERTY_KEYWORDS.has(k)) throw new Error(`schema keyword "${k}" of ${name} not supported by the SQL checks`);
  }
  const types = p.type === undefined ? [] : Array.isArray(p.type) ? p.type : [p.type];
  if (types.length === 0) throw new Error(`schema property ${name} has no type`);
  const alternatives: string[] = [];
  for (const t of types) {
    if (t === 'null') continue; // null reads as NULL, handled below
    if (t === 'string') {
      const s = v.str;
      const parts = [`${s} IS NOT NULL`];
      // RE2 and JavaScript agree on the plain anchored character-class patterns the schemas use.
      if (p.pattern !== undefined) parts.push(`regexp_matches(${s}, ${sqlString(p.pattern)})`);
      if (p.minLength !== undefined) parts.push(`length(${s}) >= ${Number(p.minLength)}`);
      alternatives.push(`(${parts.join(' AND ')})`);
    } else if (t === 'integer') {
      // Only plain digits: 1.0 or 1e3 are not integers here, nor in json.ts.
      const parts = [`${v.int} IS NOT NULL`];
      if (p.minimum !== undefined) parts.push(`${v.int} >= ${BigInt(p.minimum)}`);
      if (p.maximum !== undefined) parts.push(`${v.int} <= ${BigInt(p.maximum)}`);
      alternatives.push(`(${parts.join(' AND ')})`);
    } else if (t === 'boolean') {
      alternatives.push(`${text} IN ('true', 'false')`);
    } else if (t === 'object') {
      alternatives.push(`starts_with(${text}, '{')`);
    } else {
      throw new Error(`schema type "${t}" of ${name} not supported by the SQL checks`);
    }
  }
  const typed = alternatives.length ? `COALESCE(${alternatives.join(' OR ')}, false)` : 'false';
  // A required value must be there (and not null: no schema allows a null required value, and if one did, JavaScript decides).
  return required ? `(${text} IS NOT NULL AND ${typed})` : `(${text} IS NULL OR ${typed})`;
}

/**
 * The SQL condition under which an object passes its schema, given the SQL
 * names of each property's JSON text and values. Stricter than ajv only
 * where noted (null required values; a number written with a fraction or
 * exponent is not an integer, as json.ts reads it too).
 */
export function objectCheck(schema: ObjectSchema, refsOf: (name: string) => ValueRefs): string {
  for (const k of Object.keys(schema)) {
    if (!OBJECT_KEYWORDS.has(k)) throw new Error(`schema keyword "${k}" not supported by the SQL checks`);
  }
  if (schema.type !== 'object') throw new Error('the SQL checks handle object schemas only');
  const required = new Set(schema.required ?? []);
  for (const r of required) if (!(r in schema.properties)) throw new Error(`required ${r} has no property schema`);
  const checks = Object.entries(schema.properties).map(([name, p]) => propertyCheck(checkName(name), p, required.has(name), refsOf(name)));
  return checks.length ? checks.join('\n AND ') : 'true';
}
