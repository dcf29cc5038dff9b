// Times SELECTs the way the multi-device baseline is timed: each as
// `CREATE OR REPLACE TABLE bench_<name> AS <select>` in one warm DuckDB
// process (2 threads), the SELECTs interleaved, `runs` rounds. The SELECTs
// are dbt's compiled model files, copied by the calling stage.
//   node --import tsx bench/children/time-selects.ts WAREHOUSE RUNS NAME=FILE [NAME=FILE ...]
// Prints {"<name>": {"seconds": [...], "rows": n}} on stdout. Run it on a
// copy of a warehouse: it writes bench_<name> tables into it.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [db, runsRaw, ...pairs] = process.argv.slice(2);
const runs = Number(runsRaw);
const selects = pairs.map((p) => p.split('=', 2) as [string, string]);
if (!db || !Number.isInteger(runs) || runs < 1 || selects.length === 0 || selects.some(([n, f]) => !/^[a-z_]+$/.test(n) || !f)) {
  process.stderr.write('usage: time-selects.ts WAREHOUSE RUNS NAME=FILE [NAME=FILE ...]\n');
  process.exit(2);
}

const instance = await DuckDBInstance.create(db, { threads: '2' });
const conn = await instance.connect();
const out: Record<string, { seconds: number[]; rows: number }> = {};
for (let i = 0; i < runs; i++) {
  for (const [name, file] of selects) {
    const sql = readFileSync(file, 'utf8');
    const t0 = performance.now();
    await conn.run(`CREATE OR REPLACE TABLE bench_${name} AS ${sql}`);
    (out[name] ??= { seconds: [], rows: 0 }).seconds.push((performance.now() - t0) / 1000);
  }
}
for (const [name] of selects) {
  out[name].rows = Number((await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM bench_${name}`)).getRowObjectsJson()[0].n);
}
conn.closeSync();
instance.closeSync();
process.stdout.write(JSON.stringify(out) + '\n');
