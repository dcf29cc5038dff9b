// Mozlog "heka" envelopes, built as template strings: JSON.stringify of an
// object per line would cost several times more, and every value that goes
// in here comes from ASCII pools or is a number, so no escaping is needed.
import type { Rng } from './random.ts';

export const AUTH_LOGGER = 'fxa-auth-server';
export const CONTENT_LOGGER = 'fxa-content-server';

/**
 * Everything between the Timestamp and the first Fields value:
 * `,"Logger":…,"Fields":{"<firstField>":` (the caller writes the value).
 */
export function head(logger: string, type: string, pid: number, firstField: string, severity = 6): string {
  return `,"Logger":"${logger}","Type":"${type}","Severity":${severity},"Pid":${pid},"EnvVersion":"2.0","Fields":{"${firstField}":`;
}

/** Three-digit strings indexed by 10 random bits (1000…1023 repeat 000…023; a harmless bias). */
const DIGITS3 = Array.from({ length: 1024 }, (_, i) => String(1000 + (i % 1000)).slice(1));

/**
 * Timestamp in ns as digits: the event's ms followed by six digits below the
 * ms. Kept inside the event's millisecond so that the day of Timestamp is the
 * day of `time` (the file an event belongs to is unambiguous).
 */
export function timestampNs(timeMs: number, rng: Rng): string {
  const x = rng.u32();
  return `${timeMs}${DIGITS3[x & 1023]}${DIGITS3[(x >>> 10) & 1023]}`;
}

/** Timestamp whose ns part is zero, so Timestamp / 1e6 equals the event time exactly. */
export function timestampNsExact(timeMs: number): string {
  return `${timeMs}000000`;
}
