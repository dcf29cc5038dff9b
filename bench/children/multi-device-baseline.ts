// The baseline for daily_multi_device_users: the table computed the way the
// original Redshift pipeline did, by a self-join of daily_activity_per_device
// on uid with a different device seen on a day in [day - lookback, day], on
// the same engine (DuckDB, 2 threads) and the same warehouse file. Then the
// baseline's rows are compared with the model's (EXCEPT ALL both ways).
// Given the model's compiled SELECTs (dbt's target/compiled file of a one-night
// run and of a full build), they are timed here too, the same way as the
// baseline (CREATE TABLE AS, same warm process, runs interleaved), so that the
// two are compared on the SQL alone, without dbt's bookkeeping.
//   node --import tsx bench/children/multi-device-baseline.ts WAREHOUSE DAY LOOKBACK RUNS [NIGHT_SQL FULL_SQL]
// Prints one JSON document on stdout. Run it on a copy of a warehouse: it
// writes bench_baseline_* and bench_model_* tables into it.
import { readFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

const [db, day, lookbackRaw, runsRaw, nightSqlFile, fullSqlFile] = process.argv.slice(2);
const lookback = Number(lookbackRaw);
const runs = Number(runsRaw);
if (!db || !/^\d{4}-\d{2}-\d{2}$/.test(day ?? '') || !Number.isInteger(lookback) || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('usage: multi-device-baseline.ts WAREHOUSE DAY LOOKBACK RUNS [NIGHT_SQL FULL_SQL]\n');
  process.exit(2);
}
const modelSql =
  nightSqlFile && fullSqlFile ? { night: readFileSync(nightSqlFile, 'utf8'), full: readFileSync(fullSqlFile, 'utf8') } : null;

const SELF_JOIN = `
  SELECT DISTINCT a.day, a.uid
  FROM main.daily_activity_per_device AS a
  JOIN main.daily_activity_per_device AS b
    ON a.uid = b.uid
   AND a.device_id <> b.device_id
   AND b.day BETWEEN a.day - CAST($lookback AS INTEGER) AND a.day`;

async function timed(conn: DuckDBConnection, sql: string, params?: Record<string, string | number>): Promise<number> {
  const t0 = performance.now();
  await (params ? conn.run(sql, params) : conn.run(sql));
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
const nightSelectSeconds: number[] = [];
const fullSelectSeconds: number[] = [];
for (let i = 0; i < runs; i++) {
  oneDaySeconds.push(
    await timed(conn, `CREATE OR REPLACE TABLE bench_baseline_one_day AS ${SELF_JOIN} WHERE a.day = CAST($day AS DATE)`, { lookback, day }),
  );
  if (modelSql) nightSelectSeconds.push(await timed(conn, `CREATE OR REPLACE TABLE bench_model_night AS ${modelSql.night}`));
  allDaysSeconds.push(await timed(conn, `CREATE OR REPLACE TABLE bench_baseline_all_days AS ${SELF_JOIN}`, { lookback }));
  if (modelSql) fullSelectSeconds.push(await timed(conn, `CREATE OR REPLACE TABLE bench_model_full AS ${modelSql.full}`));
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
  // The compiled SELECTs' own rows: the night's for the night's first day
  // (the later days of its window have no activity yet), the full build's all.
  modelSelect: modelSql
    ? {
        oneNight: {
          seconds: nightSelectSeconds,
          rows: await count(conn, 'SELECT * FROM bench_model_night WHERE day = CAST($day AS DATE)', { day }),
        },
        allDays: { seconds: fullSelectSeconds, rows: await count(conn, 'SELECT * FROM bench_model_full') },
      }
    : null,
  days: Number(
    (await conn.runAndReadAll('SELECT count(DISTINCT day)::BIGINT AS n FROM main.daily_activity_per_device')).getRowObjectsJson()[0].n,
  ),
  inputRows: await count(conn, 'SELECT * FROM main.daily_activity_per_device'),
};
conn.closeSync();
instance.closeSync();
process.stdout.write(JSON.stringify(result) + '\n');
