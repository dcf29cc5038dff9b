// The input rules of docs/contract.md#input, written out independently of the generator, so
// that the generator's tests check its output against the contract rather
// than against itself. The free-form optional fields come from the event
// schemas (tests/lib/event-schemas.ts), the contract's own list of them.
import { optionalStringFields } from '../../lib/event-schemas.ts';

export type LineKind = 'flow' | 'activity' | 'noise' | 'bad';

export interface ClassifiedLine {
  kind: LineKind;
  /** why a line is bad */
  reason?: string;
  envelope?: { Timestamp: number; Logger: string; Type: string; Fields: Record<string, unknown> };
}

const HEX32 = /^[0-9a-fA-F]{32}$/;
const HEX64 = /^[0-9a-fA-F]{64}$/;
const OPTIONAL_FLOW_STRINGS = optionalStringFields('flow');
const OPTIONAL_ACTIVITY_STRINGS = optionalStringFields('activity');

export function classify(line: string): ClassifiedLine {
  if (line.trim() === '') return { kind: 'noise' };
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return { kind: 'bad', reason: 'not json' };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { kind: 'bad', reason: 'not an object' };
  const env = o as ClassifiedLine['envelope'] & object;
  if (env.Type !== 'flowEvent' && env.Type !== 'activityEvent') return { kind: 'noise', envelope: env };
  const f = env.Fields as Record<string, unknown> | undefined;
  if (typeof f !== 'object' || f === null) return { kind: 'bad', reason: 'no Fields' };
  if (typeof f.event !== 'string' || f.event === '') return { kind: 'bad', reason: 'event' };
  if (env.Type === 'flowEvent') {
    if (typeof f.flow_id !== 'string' || !HEX64.test(f.flow_id)) return { kind: 'bad', reason: 'flow_id' };
    if (!Number.isInteger(f.flow_time) || (f.flow_time as number) < 0) return { kind: 'bad', reason: 'flow_time' };
    if (!Number.isInteger(f.time)) return { kind: 'bad', reason: 'time' };
    if (f.uid !== undefined && (typeof f.uid !== 'string' || !HEX32.test(f.uid))) return { kind: 'bad', reason: 'uid' };
    for (const k of OPTIONAL_FLOW_STRINGS) if (f[k] !== undefined && typeof f[k] !== 'string') return { kind: 'bad', reason: k };
    if (f.dnt !== undefined && typeof f.dnt !== 'boolean') return { kind: 'bad', reason: 'dnt' };
    return { kind: 'flow', envelope: env };
  }
  if (typeof f.uid !== 'string' || !HEX32.test(f.uid)) return { kind: 'bad', reason: 'uid' };
  if (f.device_id !== undefined && f.device_id !== '' && (typeof f.device_id !== 'string' || !HEX32.test(f.device_id))) {
    return { kind: 'bad', reason: 'device_id' };
  }
  for (const k of OPTIONAL_ACTIVITY_STRINGS) if (f[k] !== undefined && typeof f[k] !== 'string') return { kind: 'bad', reason: k };
  if (f.time !== undefined && !Number.isInteger(f.time)) return { kind: 'bad', reason: 'time' };
  return { kind: 'activity', envelope: env };
}
