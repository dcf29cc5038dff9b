// Columns of the raw zone (docs/raw-zone.md), in file order, with the DuckDB
// types they are written as. Only engine-neutral Parquet types: BIGINT
// (INT64), VARCHAR (UTF-8 string), BOOLEAN. The `day` partition is not a
// column of the files: it comes from the directory name.
import type { RawTable } from '../lib/paths.ts';

export interface FlowRow {
  time_ms: number;
  flow_time: number;
  flow_id: string;
  type: string;
  uid: string | null;
  locale: string | null;
  ua_browser: string | null;
  ua_version: string | null;
  ua_os: string | null;
  context: string | null;
  entrypoint: string | null;
  migration: string | null;
  service: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  utm_medium: string | null;
  utm_source: string | null;
  utm_term: string | null;
  dnt: boolean;
  source_file: string;
  source_line: number;
  load_id: string;
}

export interface ActivityRow {
  time_ms: number;
  type: string;
  uid: string;
  device_id: string | null;
  service: string | null;
  ua_browser: string | null;
  ua_version: string | null;
  ua_os: string | null;
  source_file: string;
  source_line: number;
  load_id: string;
}

export type RawRow = FlowRow | ActivityRow;

type Column = readonly [name: string, type: 'BIGINT' | 'VARCHAR' | 'BOOLEAN'];

export const LINEAGE_COLUMNS: readonly Column[] = [
  ['source_file', 'VARCHAR'],
  ['source_line', 'BIGINT'],
  ['load_id', 'VARCHAR'],
];

export const RAW_COLUMNS: Record<RawTable, readonly Column[]> = {
  flow_events: [
    ['time_ms', 'BIGINT'],
    ['flow_time', 'BIGINT'],
    ['flow_id', 'VARCHAR'],
    ['type', 'VARCHAR'],
    ['uid', 'VARCHAR'],
    ['locale', 'VARCHAR'],
    ['ua_browser', 'VARCHAR'],
    ['ua_version', 'VARCHAR'],
    ['ua_os', 'VARCHAR'],
    ['context', 'VARCHAR'],
    ['entrypoint', 'VARCHAR'],
    ['migration', 'VARCHAR'],
    ['service', 'VARCHAR'],
    ['utm_campaign', 'VARCHAR'],
    ['utm_content', 'VARCHAR'],
    ['utm_medium', 'VARCHAR'],
    ['utm_source', 'VARCHAR'],
    ['utm_term', 'VARCHAR'],
    ['dnt', 'BOOLEAN'],
    ...LINEAGE_COLUMNS,
  ],
  activity_events: [
    ['time_ms', 'BIGINT'],
    ['type', 'VARCHAR'],
    ['uid', 'VARCHAR'],
    ['device_id', 'VARCHAR'],
    ['service', 'VARCHAR'],
    ['ua_browser', 'VARCHAR'],
    ['ua_version', 'VARCHAR'],
    ['ua_os', 'VARCHAR'],
    ...LINEAGE_COLUMNS,
  ],
};

/** Duplicate keys (docs/contract.md#duplicates); nulls compare equal. */
export const DUPLICATE_KEYS: Record<RawTable, readonly string[]> = {
  flow_events: ['flow_id', 'type', 'flow_time', 'time_ms'],
  activity_events: ['uid', 'type', 'device_id', 'service', 'time_ms'],
};
