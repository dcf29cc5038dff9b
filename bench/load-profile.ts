// Profiles the loader on one file: loads it into a fresh temp data dir and
// prints lines/s by wall clock and per CPU-second (user+sys of the whole
// process, DuckDB's threads included), and with --native the same file
// through DuckDB's own read_json → Parquet for reference.
//   node --import tsx bench/load-profile.ts FILE [--native] [--keep]
// Add `--cpu-prof` before `--import` for a V8 profile of the main thread.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadFiles } from '../scripts/loader/index.ts';
import { sqlString } from '../scripts/loader/sql.ts';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  process.stderr.write('usage: load-profile.ts FILE [--native] [--keep]\n');
  process.exit(2);
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

async function native(path: string, outDir: string): Promise<{ rows: number; seconds: number }> {
  const fields =
    'event VARCHAR, flow_id VARCHAR, flow_time BIGINT, "time" BIGINT, uid VARCHAR, device_id VARCHAR, locale VARCHAR, ' +
    '"userAgent" VARCHAR, context VARCHAR, entrypoint VARCHAR, migration VARCHAR, service VARCHAR, utm_campaign VARCHAR, ' +
    'utm_content VARCHAR, utm_medium VARCHAR, utm_source VARCHAR, utm_term VARCHAR, dnt BOOLEAN';
  const inst = await DuckDBInstance.create(':memory:', { threads: '2', preserve_insertion_order: 'false' });
  const con = await inst.connect();
  const t0 = performance.now();
  await con.run(`COPY (SELECT Timestamp, Type, Fields.* FROM read_json(${sqlString(path)}, format = 'newline_delimited',
      columns = {'Timestamp': 'BIGINT', 'Type': 'VARCHAR', 'Fields': 'STRUCT(${fields})'}, ignore_errors = true))
    TO ${sqlString(join(outDir, 'native.parquet'))} (FORMAT parquet)`);
  const seconds = (performance.now() - t0) / 1000;
  const n = (
    await con.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(join(outDir, 'native.parquet'))})`)
  ).getRowObjectsJS()[0].n as number;
  con.closeSync();
  inst.closeSync();
  return { rows: n, seconds };
}

const work = mkdtempSync(join(tmpdir(), 'fxa-load-profile-'));
try {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await loadFiles({ dataDir: join(work, 'data'), hmacKey: 'profile-key', inputs: [file], progress: 'never' });
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(process.cpuUsage(cpu0));
  const lines = r.counts.lines_read;
  const out: Record<string, unknown> = {
    lines,
    wall_s: +wall.toFixed(2),
    cpu_s: +cpu.toFixed(2),
    lines_per_s: Math.round(lines / wall),
    lines_per_cpu_s: Math.round(lines / cpu),
    counts: r.counts,
  };
  if (args.includes('--native')) {
    const n = await native(file, work);
    out.native = { rows: n.rows, seconds: +n.seconds.toFixed(2), lines_per_s: Math.round(lines / n.seconds) };
    out.ratio_to_native = +(n.seconds / wall).toFixed(2);
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
} finally {
  if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
}
