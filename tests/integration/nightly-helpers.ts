// Shared by the nightly integration tests: run the real CLI, make small
// generated logs, and compare two DuckDB warehouses table by table.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateLogs } from '../../scripts/generator/index.ts';
import { MART_TABLES, rowDifference } from '../lib/marts.ts';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(projectRoot, 'bin', 'fxa-metrics.mjs');
export const TEST_KEY = 'nightly-test-hmac-key-5f3a9c';
export { MART_TABLES };

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run: the test key, nothing inherited that could change the target. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FXA_UID_HMAC_KEY: TEST_KEY, ...extra };
  delete env.FXA_DBT_TARGET;
  delete env.FXA_DATA_DIR;
  delete env.FXA_DBT_RUNNER;
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}

export function cli(args: string[], extraEnv: Record<string, string | undefined> = {}): CliResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...args], {
    cwd: projectRoot,
    env: cliEnv(extraEnv),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI in its own process group, so a test can kill it together with its dbt. */
export function cliDetached(args: string[], extraEnv: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: projectRoot,
    env: cliEnv(extraEnv),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  const done = new Promise<CliResult>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout: '', stderr })));
  return { child, done };
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `fxa-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A few days of small generated logs; returns the day files in day order. */
export async function makeLogs(out: string, opts: { start: string; days: number; users?: number; seed?: number }): Promise<string[]> {
  const r = await generateLogs({ out, start: opts.start, days: opts.days, users: opts.users ?? 100, seed: opts.seed ?? 11 });
  return r.files;
}

export function feed(files: string[], inputDir: string, rename?: (name: string) => string): void {
  mkdirSync(inputDir, { recursive: true });
  for (const f of files) copyFileSync(f, join(inputDir, rename ? rename(basename(f)) : basename(f)));
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

export interface TableDiff {
  table: string;
  leftRows: number;
  rightRows: number;
  onlyLeft: number;
  onlyRight: number;
}

/** Row counts and EXCEPT ALL both ways (tests/lib/marts.ts), for every mart, between two warehouse files. */
export async function compareWarehouses(left: string, right: string, tables: string[] = MART_TABLES): Promise<TableDiff[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run(`attach ${sqlString(left)} as l (read_only)`);
    await c.run(`attach ${sqlString(right)} as r (read_only)`);
    const rows = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    const out: TableDiff[] = [];
    for (const t of tables) {
      const id = `main."${t.replace(/"/g, '""')}"`;
      const d = await rowDifference(rows, `select * from l.${id}`, `select * from r.${id}`);
      out.push({ table: t, leftRows: d.rowsA, rightRows: d.rowsB, onlyLeft: d.onlyA, onlyRight: d.onlyB });
    }
    return out;
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** Waits until dbt's log (from `offset` on) shows it building a node matching `node`; false if the run ended first. */
export async function untilDbtBuilds(
  data: string,
  exited: () => boolean,
  node: RegExp = /model\.fxa_metrics\./,
  offset = 0,
): Promise<boolean> {
  const logFile = join(data, 'dbt', 'logs', 'dbt.log');
  const began = new RegExp(`Began running node ${node.source}`);
  while (!exited()) {
    if (existsSync(logFile) && began.test(readFileSync(logFile, 'utf8').slice(offset))) return true;
    await sleep(100);
  }
  return false;
}

/** The tables of `data` equal, row for row, those of one uninterrupted load and full build of `input` in `ref`. */
export async function assertSameAsFullBuild(input: string, data: string, ref: string): Promise<void> {
  const load = cli(['load', input, '--data-dir', ref]);
  assert.equal(load.code, 0, load.stderr);
  const full = cli(['build', '--full-refresh', '--data-dir', ref]);
  assert.equal(full.code, 0, full.stderr);
  for (const d of await compareWarehouses(join(data, 'warehouse.duckdb'), join(ref, 'warehouse.duckdb'))) {
    assert.ok(d.rightRows > 0, `${d.table} is empty`);
    assert.deepEqual(d, { ...d, leftRows: d.rightRows, onlyLeft: 0, onlyRight: 0 }, `${d.table} differs`);
  }
}
