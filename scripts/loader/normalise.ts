// docs/contract.md#normalisation: turns a validated event into its raw-zone row. The uid is HMACed
// here, so a row never holds a raw uid.
import { parseLine } from './json.ts';
import type { Envelope } from './rules.ts';
import type { ActivityRow, FlowRow } from './raw-schema.ts';
import type { UaFields } from './user-agent.ts';

export interface RowContext {
  hashUid: (uid: string) => string;
  parseUa: (ua: string | null | undefined) => UaFields;
  sourceFile: string;
  loadId: string;
}

const BEGIN = /^flow\..+\.begin$/;

/** `flow.<anything>.begin` → `flow.begin`; every other name unchanged. */
export function normaliseFlowEventName(name: string): string {
  return BEGIN.test(name) ? 'flow.begin' : name;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function toFlowRow(f: Record<string, unknown>, line: number, ctx: RowContext): FlowRow {
  const dnt = f.dnt === true;
  const utm = (v: unknown) => (dnt ? null : str(v));
  const ua = ctx.parseUa(str(f.userAgent));
  const uid = str(f.uid);
  return {
    time_ms: f.time as number,
    flow_time: f.flow_time as number,
    flow_id: (f.flow_id as string).toLowerCase(),
    type: normaliseFlowEventName(f.event as string),
    uid: uid === null ? null : ctx.hashUid(uid),
    locale: str(f.locale),
    ua_browser: ua.ua_browser,
    ua_version: ua.ua_version,
    ua_os: ua.ua_os,
    context: str(f.context),
    entrypoint: str(f.entrypoint),
    migration: str(f.migration),
    service: str(f.service),
    utm_campaign: utm(f.utm_campaign),
    utm_content: utm(f.utm_content),
    utm_medium: utm(f.utm_medium),
    utm_source: utm(f.utm_source),
    utm_term: utm(f.utm_term),
    dnt,
    source_file: ctx.sourceFile,
    source_line: line,
    load_id: ctx.loadId,
  };
}

/**
 * Event time of an activity event without Fields.time: Timestamp (ns) / 1e6,
 * floored, exactly: from the digits of the line's (first) Timestamp, since
 * JSON.parse rounds a 19-digit Timestamp to the nearest double.
 */
export function envelopeTimeMs(env: Envelope, text: string): number {
  const digits = parseLine(text).timestampDigits;
  if (digits !== null && Number(digits) === env.Timestamp) return Number(BigInt(digits) / 1_000_000n);
  return Math.floor(env.Timestamp / 1e6);
}

export function toActivityRow(env: Envelope, f: Record<string, unknown>, text: string, line: number, ctx: RowContext): ActivityRow {
  const ua = ctx.parseUa(str(f.userAgent));
  const device = str(f.device_id);
  return {
    time_ms: typeof f.time === 'number' ? f.time : envelopeTimeMs(env, text),
    type: f.event as string,
    uid: ctx.hashUid(f.uid as string),
    device_id: device ? device.toLowerCase() : null,
    service: str(f.service),
    ua_browser: ua.ua_browser,
    ua_version: ua.ua_version,
    ua_os: ua.ua_os,
    source_file: ctx.sourceFile,
    source_line: line,
    load_id: ctx.loadId,
  };
}
