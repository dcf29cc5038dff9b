// The input rules of docs/contract.md#input, applied to one log line. The rules themselves
// live in schemas/events/*.schema.json (compiled once here); this module only
// decides skip / reject / accept and turns ajv's first error into a reason
// code from a small fixed set, so that counts can be keyed by it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { projectRoot } from '../setup/python-env.ts';
import { JsonSyntaxError, parseLine } from './json.ts';

export const SCHEMA_DIR = join(projectRoot, 'schemas', 'events');

export type EventKind = 'flow' | 'activity';

export type Classified =
  | { kind: 'skip' }
  | { kind: 'reject'; reason: string; detail: string; value?: unknown }
  | { kind: EventKind; envelope: Envelope; fields: Record<string, unknown> };

export interface Envelope {
  Timestamp: number;
  Type: string;
  Fields: Record<string, unknown>;
}

const METRIC_TYPES: Record<string, EventKind> = { flowEvent: 'flow', activityEvent: 'activity' };

function loadSchema(name: string): object {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, name), 'utf8')) as object;
}

interface Validators {
  envelope: ValidateFunction;
  flow: ValidateFunction;
  activity: ValidateFunction;
  /** the Fields each kind stores (the schema's properties) */
  fieldNames: Record<EventKind, string[]>;
}

let compiled: Validators | null = null;

/** Compiles the schemas on first use; every later line reuses them. */
function validators(): Validators {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: false, allowUnionTypes: true });
    const flow = loadSchema('flow-event.schema.json') as { properties: object };
    const activity = loadSchema('activity-event.schema.json') as { properties: object };
    compiled = {
      envelope: ajv.compile(loadSchema('envelope.schema.json')),
      flow: ajv.compile(flow),
      activity: ajv.compile(activity),
      fieldNames: { flow: Object.keys(flow.properties), activity: Object.keys(activity.properties) },
    };
  }
  return compiled;
}

/** `flow.flow_id`, `activity.uid`…: the field ajv's first error is about. */
function fieldReason(kind: EventKind, err: ErrorObject): string {
  const field =
    err.instancePath.split('/')[1] ??
    (err.keyword === 'required' ? String((err.params as { missingProperty: string }).missingProperty) : '');
  return field ? `${kind}.${field.replace(/~1/g, '/').replace(/~0/g, '~')}` : `${kind}.fields`;
}

function describe(err: ErrorObject, where: string): string {
  const path = err.instancePath ? `${where}${err.instancePath}` : where;
  return `${path} ${err.message ?? 'is invalid'}`;
}

/**
 * A JSON string may hold a lone UTF-16 surrogate (written as a \\uD800
 * escape), which no UTF-8 file can store verbatim; such a value is rejected
 * as its field. Only lines holding a \\u escape need the check.
 */
// With the u flag, a surrogate pair is one code point, so only a lone half matches.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function lonelySurrogate(kind: EventKind, fields: Record<string, unknown>, schemaFields: string[]): Classified | null {
  for (const name of schemaFields) {
    const v = fields[name];
    if (typeof v === 'string' && LONE_SURROGATE.test(v)) {
      return { kind: 'reject', reason: `${kind}.${name}`, detail: `Fields/${name} holds a lone UTF-16 surrogate (not valid Unicode)` };
    }
  }
  return null;
}

/**
 * Classifies one line of text (without its newline), read in the JSON
 * dialect of DuckDB's reader (json.ts), so that a line gets the outcome the
 * bulk path would give it.
 */
export function classifyLine(text: string): Classified {
  if (text.trim() === '') return { kind: 'skip' };
  let value: unknown;
  try {
    value = parseLine(text).value;
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { kind: 'reject', reason: 'invalid_json', detail: e.message };
  }
  const c = classifyValue(value);
  if ((c.kind === 'flow' || c.kind === 'activity') && text.includes('\\u')) {
    const bad = lonelySurrogate(c.kind, c.fields, validators().fieldNames[c.kind]);
    if (bad) return { ...bad, value } as Classified;
  }
  return c;
}

/** Classifies an already-parsed line. */
export function classifyValue(value: unknown): Classified {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { kind: 'reject', reason: 'not_an_object', detail: `line is ${what}, not a JSON object`, value };
  }
  const obj = value as Record<string, unknown>;
  const kind = typeof obj.Type === 'string' ? METRIC_TYPES[obj.Type] : undefined;
  if (!kind) return { kind: 'skip' };
  const v = validators();
  if (!v.envelope(obj)) {
    return { kind: 'reject', reason: 'invalid_envelope', detail: describe(v.envelope.errors![0], 'envelope'), value };
  }
  const envelope = obj as unknown as Envelope;
  const check = v[kind];
  if (!check(envelope.Fields)) {
    const err = check.errors![0];
    return { kind: 'reject', reason: fieldReason(kind, err), detail: describe(err, 'Fields'), value };
  }
  return { kind, envelope, fields: envelope.Fields };
}
