// Shared helpers of the loader tests: temp dirs, event builders, reading the
// raw zone back with DuckDB.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { projectRoot } from '../../../scripts/setup/python-env.ts';

export const ROOT = projectRoot;
export const FIXTURES = join(projectRoot, 'tests', 'fixtures', 'loader');
export const KEY = 'fxa-test-key';

/** A fresh temp dir, removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'fxa-loader-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Writes a file as one its writer finished minutes ago: a last line without a
 * newline then counts at once (in a file changed just now it is held back).
 */
export function writeFinishedFile(path: string, data: string | Uint8Array): void {
  writeFileSync(path, data);
  markFinished(path);
}

/** Dates a file's last change ten minutes back, past the loader's still-written window. */
export function markFinished(path: string): void {
  const then = new Date(Date.now() - 10 * 60_000);
  utimesSync(path, then, then);
}

export const FLOW_ID = 'a1'.repeat(32);
export const UID = '0123456789abcdef0123456789abcdef';
export const DEVICE = 'd0'.repeat(16);

export function flowEvent(fields: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Timestamp: 1488326400100000000,
    Logger: 'fxa-content-server',
    Type: 'flowEvent',
    Severity: 6,
    Pid: 1,
    EnvVersion: '2.0',
    ...envelope,
    Fields: { event: 'flow.signin.view', flow_id: FLOW_ID, flow_time: 1500, time: 1488326400100, ...fields },
  };
}

export function activityEvent(fields: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Timestamp: 1488330000000000000,
    Logger: 'fxa-auth-server',
    Type: 'activityEvent',
    Severity: 6,
    Pid: 2,
    EnvVersion: '2.0',
    ...envelope,
    Fields: { event: 'account.login', uid: UID, device_id: DEVICE, service: 'sync', time: 1488330000000, ...fields },
  };
}

/** Removes a key from Fields (or the envelope when field is prefixed with '^'). */
export function without(event: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = structuredClone(event);
  if (key.startsWith('^')) delete copy[key.slice(1)];
  else delete (copy.Fields as Record<string, unknown>)[key];
  return copy;
}

export type Row = Record<string, unknown>;

/** Runs a query on an in-memory DuckDB; BIGINTs come back as numbers. */
export async function query(sql: string): Promise<Row[]> {
  const inst = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  try {
    const con = await inst.connect();
    try {
      const rows = (await con.runAndReadAll(sql)).getRowObjectsJS() as Row[];
      return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
    } finally {
      con.closeSync();
    }
  } finally {
    inst.closeSync();
  }
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Every row of a raw table (with its day from the directory), in load/source order. */
export async function rawRows(dataDir: string, table: 'flow_events' | 'activity_events'): Promise<Row[]> {
  const glob = join(dataDir, 'raw', table, '*', '*.parquet');
  return query(
    `SELECT * EXCLUDE (day), CAST(day AS VARCHAR) AS day
     FROM read_parquet(${q(glob)}, hive_partitioning = true, hive_types = {'day': 'VARCHAR'})
     ORDER BY load_id, source_file, source_line`,
  );
}

export type Outcome = { kind: 'flow' | 'activity' | 'skip' } | { kind: 'reject'; reason: string; detail: string };

/**
 * What one load makes of each line: every line is its own file (so that
 * lines sharing a duplicate key do not hide each other), all in one load
 * through the loader's one path. A duplicate counts as accepted.
 */
export async function loadOutcomes(t: TestContext, lines: string[]): Promise<Outcome[]> {
  const { loadFiles } = await import('../../../scripts/loader/index.ts');
  const { readFileSync, writeFileSync, mkdirSync } = await import('node:fs');
  const work = tempDir(t, 'fxa-outcomes-');
  mkdirSync(join(work, 'in'));
  const files = lines.map((l, i) => {
    const p = join(work, 'in', `${String(i).padStart(5, '0')}.log`);
    writeFileSync(p, l + '\n');
    return p;
  });
  const r = await loadFiles({ dataDir: join(work, 'data'), hmacKey: KEY, inputs: files, progress: 'never' });
  const quarantine = r.quarantineFile
    ? readFileSync(r.quarantineFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { source_file: string; reason: string; detail: string })
    : [];
  const bySha = new Map(r.files.filter((f) => f.status === 'loaded').map((f) => [f.sha256, f]));
  return r.files.map((f0) => {
    const f = bySha.get(f0.sha256)!;
    const c = f.counts;
    if (c.rejected === 1) {
      const q = quarantine.find((x) => x.source_file === f.path)!;
      return { kind: 'reject', reason: q.reason, detail: q.detail };
    }
    if (c.loaded_flow_events === 1) return { kind: 'flow' };
    if (c.loaded_activity_events === 1) return { kind: 'activity' };
    if (c.skipped === 1 || c.lines_read === 0) return { kind: 'skip' };
    // a duplicate of an earlier line: accepted, of the kind its Type says
    return { kind: /"Type"\s*:\s*"activityEvent"/.test(readFileSync(f.path, 'utf8')) ? 'activity' : 'flow' };
  });
}
