// The baseline for daily_multi_device_users: the table computed the way the
// original Redshift pipeline did, by a self-join of daily_activity_per_device
// on uid with a different device seen on a day in [day - lookback, day], on
// the same engine (DuckDB, 2 threads) and the same warehouse file. Then the
// baseline's rows are compared with the model's (EXCEPT ALL both ways).
//   node --import tsx bench/children/multi-device-baseline.ts WAREHOUSE DAY LOOKBACK RUNS
// Prints one JSON document on stdout. Run it on a copy of a warehouse: it
// writes two bench_baseline_* tables into it.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

const [db, day, lookbackRaw, runsRaw] = process.argv.slice(2);
const lookback = Number(lookbackRaw);
const runs = Number(runsRaw);
if (!db || !/^\d{4}-\d{2}-\d{2}$/.test(day ?? '') || !Number.isInteger(lookback) || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('usage: multi-device-baseline.ts WAREHOUSE DAY LOOKBACK RUNS\n');
  process.exit(2);
}

const SELF_JOIN = `
  SELECT DISTINCT a.day, a.uid
  FROM main.daily_activity_per_device AS a
  JOIN main.daily_activity_per_device AS b
    ON a.uid = b.uid
   AND a.device_id <> b.device_id
   AND b.day BETWEEN a.day - CAST($lookback AS INTEGER) AND a.day`;

async function timed(conn: DuckDBConnection, sql: string, params: Record<string, string | number>): Promise<number> {
  const t0 = performance.now();
  await conn.run(sql, params);
  return (performance.now() - t0) / 1000;
}

async function count(conn: DuckDBConnection, sql: string, params: Record<string, string | number> = {}): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM (${sql})`, params);
  return Number(r.getRowObjectsJson()[0].n);
}

const instance = await DuckDBInstance.create(db, { threads: '2' });
const conn = await instance.connect();

const oneDaySeconds: number[] = [];
const allDaysSeconds: number[] = [];
for (let i = 0; i < runs; i++) {
  oneDaySeconds.push(
    await timed(conn, `CREATE OR REPLACE TABLE bench_baseline_one_day AS ${SELF_JOIN} WHERE a.day = CAST($day AS DATE)`, { lookback, day }),
  );
  allDaysSeconds.push(await timed(conn, `CREATE OR REPLACE TABLE bench_baseline_all_days AS ${SELF_JOIN}`, { lookback }));
}

const model = 'SELECT CAST(day AS DATE) AS day, uid FROM main.daily_multi_device_users';
const modelDay = `${model} WHERE CAST(day AS DATE) = CAST($day AS DATE)`;
const baseAll = 'SELECT CAST(day AS DATE) AS day, uid FROM bench_baseline_all_days';
const baseDay = 'SELECT CAST(day AS DATE) AS day, uid FROM bench_baseline_one_day';

const result = {
  day,
  lookback,
  threads: 2,
  oneDay: {
    seconds: oneDaySeconds,
    rows: await count(conn, baseDay),
    modelRows: await count(conn, modelDay, { day }),
    baselineOnly: await count(conn, `${baseDay} EXCEPT ALL ${modelDay}`, { day }),
    modelOnly: await count(conn, `${modelDay} EXCEPT ALL ${baseDay}`, { day }),
  },
  allDays: {
    seconds: allDaysSeconds,
    rows: await count(conn, baseAll),
    modelRows: await count(conn, model),
    baselineOnly: await count(conn, `${baseAll} EXCEPT ALL ${model}`),
    modelOnly: await count(conn, `${model} EXCEPT ALL ${baseAll}`),
  },
  days: Number((await conn.runAndReadAll('SELECT count(DISTINCT day)::BIGINT AS n FROM main.daily_activity_per_device')).getRowObjectsJson()[0].n),
  inputRows: await count(conn, 'SELECT * FROM main.daily_activity_per_device'),
};
conn.closeSync();
instance.closeSync();
process.stdout.write(JSON.stringify(result) + '\n');
