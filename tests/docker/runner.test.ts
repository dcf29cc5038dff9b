// The Docker runner against a real engine (run by `npm run test:docker`,
// which starts one and sets DOCKER_HOST): the nightly with
// FXA_DBT_RUNNER=docker gives the same tables as with the venv runner, reuses
// the image, writes files owned by the caller, hands no secret to the
// container's config, and reports a failing model with dbt's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  CLI,
  cli,
  cliEnv,
  compareWarehouses,
  feed,
  makeLogs,
  projectRoot,
  tempDir,
  TEST_KEY,
  type CliResult,
} from '../integration/nightly-helpers.ts';
import { dockerImageConfig, dockerImageTag } from '../../scripts/lib/dbt-docker.ts';
import { runDbt } from '../../scripts/lib/dbt.ts';
import { sqlString } from '../../scripts/loader/sql.ts';
import type { RunReport } from '../../scripts/orchestration/run-report.ts';

const TOKEN = 'dapi-docker-test-token-7c1e';
const DATABRICKS = {
  DATABRICKS_HOST: 'dbc-docker-test.invalid',
  DATABRICKS_HTTP_PATH: '/sql/1.0/warehouses/test',
  DATABRICKS_TOKEN: TOKEN,
};
// A caller that is not root, so that files a root container wrote would show. Its group is the
// socket's group (docker), so that it may talk to the engine.
const CALLER_UID = 4242;
const CALLER_GID = Number(spawnSync('getent', ['group', 'docker'], { encoding: 'utf8' }).stdout.split(':')[2] ?? NaN);
const IMAGE = dockerImageTag(projectRoot, dockerImageConfig().baseImage);

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
const imageId = () => docker('image', 'inspect', '--format', '{{.Id}}', IMAGE).stdout.trim();

/** `docker inspect` of every container seen while fn runs (they are removed when they end). */
async function inspectWhile<T>(fn: () => Promise<T>): Promise<{ result: T; inspects: Map<string, string> }> {
  const inspects = new Map<string, string>();
  let done = false;
  const poll = (async () => {
    while (!done) {
      for (const id of docker('ps', '-q', '--no-trunc').stdout.split('\n').filter(Boolean)) {
        const out = docker('inspect', id);
        if (out.status === 0 && !inspects.has(id)) inspects.set(id, out.stdout);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    return { result: await fn(), inspects };
  } finally {
    done = true;
    await poll;
  }
}

/** The CLI's environment with the Docker runner (the shared cliEnv drops FXA_DBT_RUNNER) and Databricks secrets set. */
const dockerEnv = (extra: Record<string, string> = {}) => ({ ...cliEnv(DATABRICKS), FXA_DBT_RUNNER: 'docker', ...extra });

function dockerCliSync(args: string[], extra: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: projectRoot, env: dockerEnv(extra), encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI with the Docker runner, as CALLER_UID:CALLER_GID, in the background (so containers can be inspected). */
function dockerCliAsCaller(args: string[], home: string): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: projectRoot,
    env: dockerEnv({ HOME: home }),
    uid: CALLER_UID,
    gid: CALLER_GID,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const e of readdirSync(dir, { recursive: true })) chownSync(join(dir, String(e)), uid, gid);
}

function owners(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true })) {
    const st = lstatSync(join(dir, String(e)));
    out.set(String(e), `${st.uid}:${st.gid}`);
  }
  return out;
}

const { dir, cleanup } = tempDir('runner');
chmodSync(dir, 0o755); // the caller must reach its own dir inside
test.after(cleanup);
const callerDir = join(dir, 'caller');
let firstImageId = '';

test('nightly with the Docker runner equals the venv runner; files belong to the caller; no secret in docker inspect', async () => {
  assert.ok(Number.isInteger(CALLER_GID), 'the docker group exists (docker.io creates it)');
  const logs = await makeLogs(join(dir, 'logs'), { start: '2017-03-01', days: 2 });

  const venvInput = join(dir, 'venv-input');
  feed(logs, venvInput);
  const venv = cli(['nightly', '--input', venvInput, '--data-dir', join(dir, 'venv-data'), '--json']);
  assert.equal(venv.code, 0, venv.stderr);

  const work = callerDir;
  feed(logs, join(work, 'input'));
  mkdirSync(join(work, 'home'));
  chownTree(work, CALLER_UID, CALLER_GID);
  const data = join(work, 'data');
  const { result: run, inspects } = await inspectWhile(() =>
    dockerCliAsCaller(['nightly', '--input', join(work, 'input'), '--data-dir', data, '--json'], join(work, 'home')),
  );
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  assert.equal(report.status, 'ok');
  assert.equal(report.build!.dbt[0].exitCode, 0);
  assert.ok(report.build!.dbt[0].models.length >= 16, 'every model built in the container');
  firstImageId = imageId();
  assert.match(firstImageId, /^sha256:/, `${IMAGE} exists`);

  // Row for row the same tables (EXCEPT ALL both ways).
  const diffs = await compareWarehouses(join(data, 'warehouse.duckdb'), join(dir, 'venv-data', 'warehouse.duckdb'));
  for (const d of diffs) {
    assert.ok(d.rightRows > 0, `${d.table} is empty`);
    assert.deepEqual(d, { ...d, leftRows: d.rightRows, onlyLeft: 0, onlyRight: 0 }, `${d.table} differs`);
  }

  // Everything in the data dir, the container's files (warehouse, dbt's target and logs) included, is the caller's.
  const own = owners(data);
  for (const f of ['warehouse.duckdb', 'dbt/target/run_results.json', 'dbt/logs/dbt.log']) assert.ok(own.has(f), `dbt wrote ${f}`);
  for (const [f, o] of own) assert.equal(o, `${CALLER_UID}:${CALLER_GID}`, `${f} belongs to ${o}`);

  // The containers ran dbt from the image as the caller, with neither the HMAC key nor a Databricks secret.
  const seen = [...inspects.values()].map((s) => JSON.parse(s)[0]);
  assert.ok(
    seen.some((c) => c.Config.Image === IMAGE && c.Config.User === `${CALLER_UID}:${CALLER_GID}`),
    'a dbt container was inspected',
  );
  for (const s of inspects.values()) {
    assert.ok(!s.includes(TEST_KEY), 'the HMAC key is in docker inspect');
    assert.ok(!s.includes(TOKEN), 'the Databricks token is in docker inspect');
  }
  assert.ok(!run.stderr.includes(TEST_KEY) && !run.stdout.includes(TEST_KEY));
  for (const f of ['dbt/logs/dbt.log', `runs/${report.runId}.json`]) assert.ok(!readFileSync(join(data, f), 'utf8').includes(TEST_KEY));
});

test('a failing model: the container exits 1 and the run report has dbt error; the image is reused', async () => {
  assert.ok(firstImageId, 'runs after the nightly test');
  const broken = join(dir, 'broken');
  cpSync(join(callerDir, 'data', 'raw'), join(broken, 'raw'), { recursive: true });
  // a raw file whose event time is not a number: stg_flow_events cannot cast it
  const day = join(broken, 'raw', 'flow_events', 'day=2017-03-01');
  const file = join(
    day,
    readdirSync(day).find((f) => f.endsWith('.parquet'))!,
  );
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`copy (select * replace ('not a time' as time_ms) from read_parquet(${sqlString(file)}) limit 1)
                 to ${sqlString(join(day, 'zz-corrupt.parquet'))} (format parquet)`);
  c.closeSync();
  db.closeSync();
  const r = dockerCliSync(['build', '--from', '2017-03-01', '--to', '2017-03-01', '--data-dir', broken, '--json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as RunReport;
  assert.equal(report.status, 'dbt_failed');
  assert.equal(report.build!.dbt[0].exitCode, 1, 'dbt in the container exited 1');
  assert.match(report.problems.join('\n'), /dbt stg_flow_events: error: Runtime Error in model stg_flow_events/);
  const failed = report.build!.dbt[0].models.find((m) => m.name === 'stg_flow_events');
  assert.equal(failed?.status, 'error');
  assert.match(failed?.message ?? '', /Binder Error: No function matches .*epoch_ms\(VARCHAR\)/, "DuckDB's error, through dbt");
  assert.doesNotMatch(r.stderr, /building dbt image/, 'the image is not built again');
  assert.equal(imageId(), firstImageId, 'the same image');
  assert.equal(docker('images', '-q', 'fxa-metrics-dbt').stdout.trim().split('\n').length, 1, 'one dbt image');
});

test('a Databricks run gets its token on stdin: dbt resolves it, docker inspect never shows it', async () => {
  const data = join(dir, 'databricks');
  mkdirSync(data);
  const saved = { ...process.env };
  Object.assign(process.env, DATABRICKS, { FXA_DBT_RUNNER: 'docker' });
  try {
    const { result, inspects } = await inspectWhile(() => runDbt(['parse'], { dataDir: data, target: 'databricks' }));
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    assert.doesNotMatch(result.stdout, /Env var required but not provided/);
    assert.ok(statSync(join(data, 'dbt', 'target', 'manifest.json')).size > 0, 'dbt parsed the project with the databricks profile');
    assert.ok(
      [...inspects.values()].some((s) => s.includes('--target') && s.includes('databricks')),
      'the dbt container was inspected',
    );
    for (const s of inspects.values()) assert.ok(!s.includes(TOKEN), 'the token is in docker inspect');
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test('no engine: the nightly exits 2 with one line naming the way out', () => {
  const input = join(dir, 'no-engine-input');
  feed([join(dir, 'logs', readdirSync(join(dir, 'logs')).sort()[0])], input);
  const r = dockerCliSync(['nightly', '--input', input, '--data-dir', join(dir, 'no-engine')], {
    DOCKER_HOST: 'unix:///nonexistent/docker.sock',
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no Docker engine answers .*scripts\/docker\/engine\.ts start.*FXA_DBT_RUNNER=venv/);
  assert.equal(r.stderr.split('\n').filter((l) => /no Docker engine/.test(l)).length, 1, r.stderr);
});
