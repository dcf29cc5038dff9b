// The input rules' field lists as the tests need them, read from the event
// schemas (schemas/events/*.schema.json, the contract's one owner of them)
// rather than written out again in each test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/setup/python-env.ts';

interface FieldSchema {
  type: string | string[];
  pattern?: string;
}

function fields(kind: 'flow' | 'activity'): Record<string, FieldSchema> {
  const file = join(projectRoot, 'schemas', 'events', `${kind}-event.schema.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { properties: Record<string, FieldSchema> }).properties;
}

/** The optional fields that may hold any string: typed string-or-null, with no pattern. */
export function optionalStringFields(kind: 'flow' | 'activity'): string[] {
  return Object.entries(fields(kind))
    .filter(([, f]) => Array.isArray(f.type) && f.type.length === 2 && f.type.includes('string') && f.type.includes('null') && !f.pattern)
    .map(([name]) => name);
}
