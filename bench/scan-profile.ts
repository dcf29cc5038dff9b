// Profiles the load's scan statement (scripts/loader/scan-sql.ts) alone on
// one file: the same SQL and the same DuckDB settings as a load, with
// DuckDB's JSON profiler on, then prints each operator's time and what it
// computes, and the process's CPU seconds (user + sys) and wall time.
//   node --import tsx bench/scan-profile.ts FILE
// The operators read bottom-up: READ_JSON, the `lines` casts, the `valued`
// string and integer values, the `classified` checks, the final projection
// (normalisation and HMAC), COPY_TO_FILE (the staged Parquet).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobValue } from '@duckdb/node-api';
import { openDuckDb } from '../scripts/loader/duckdb-writer.ts';
import { MAX_LINE_BYTES, SCAN_DUCKDB_SETTINGS } from '../scripts/loader/scan.ts';
import { hmacPads, readEventSchemas, scanSql } from '../scripts/loader/scan-sql.ts';
import { sqlString } from '../scripts/loader/sql.ts';

interface ProfileNode {
  operator_name?: string;
  operator_timing?: number;
  operator_cardinality?: number;
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: scan-profile.ts FILE\n');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'fxa-scan-profile-'));
try {
  const pads = hmacPads('scan-profile-key');
  const db = await openDuckDb(SCAN_DUCKDB_SETTINGS);
  const con = await db.connect();
  const profile = join(work, 'profile.json');
  await con.run(`PRAGMA enable_profiling = 'json'`);
  await con.run(`SET profiling_output = ${sqlString(profile)}`);
  const load = loadavg().map((x) => x.toFixed(2));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await con.run(scanSql(readEventSchemas(), file, join(work, 'scan.parquet'), MAX_LINE_BYTES), [
    blobValue(pads.inner),
    blobValue(pads.outer),
  ]);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  con.closeSync();
  db.closeSync();
  const p = JSON.parse(readFileSync(profile, 'utf8')) as ProfileNode & { cpu_time: number };
  const lines: string[] = [];
  const walk = (n: ProfileNode, depth: number) => {
    const what = n.extra_info?.Projections ?? n.extra_info?.Function ?? '';
    const shown = (Array.isArray(what) ? what.join(', ') : String(what)).slice(0, 160);
    lines.push(
      `${'  '.repeat(depth)}${n.operator_name} ${(n.operator_timing ?? 0).toFixed(2)} s, ${n.operator_cardinality ?? 0} rows  ${shown}`,
    );
    for (const c of n.children ?? []) walk(c, depth + 1);
  };
  for (const c of p.children ?? []) walk(c, 0);
  process.stdout.write(
    `load average at start ${load.join(' ')}\n` +
      `wall ${wall.toFixed(2)} s, process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, DuckDB cpu_time ${p.cpu_time.toFixed(2)} s\n` +
      lines.join('\n') +
      '\n',
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
