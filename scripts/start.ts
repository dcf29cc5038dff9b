// `npm start`: the main job on the embedded default, for a fresh clone.
// Generates a week of sample logs into ./sample-logs when it holds none, runs
// `fxa-metrics nightly` on them into ./data, and says where the DuckDB file
// and the KPI report are.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { generateLogs } from './generator/index.ts';
import { projectRoot } from './setup/python-env.ts';
import { HMAC_KEY_ENV } from './loader/key.ts';
import { layout } from './lib/paths.ts';
import { latestKpiReport } from './kpi-report/run-step.ts';

const SAMPLE = { start: '2017-03-01', days: 7, users: 2000, seed: 1 };
// Only ever used for the generated sample data, and only when no key is set.
const DEMO_KEY = 'fxa-metrics-demo-key-sample-data-only';
const LOG_FILE = /\.(log|ndjson|jsonl)(\.gz)?$/i;

const sampleDir = join(projectRoot, 'sample-logs');
const dataDir = join(projectRoot, 'data');
const say = (line: string) => process.stderr.write(`${line}\n`);

const hasLogs = existsSync(sampleDir) && readdirSync(sampleDir).some((f) => LOG_FILE.test(f));
if (!hasLogs) {
  say(
    `no logs in ${relative(projectRoot, sampleDir)}/: generating a week of sample logs (${SAMPLE.start}, ${SAMPLE.days} days, ${SAMPLE.users} users, seed ${SAMPLE.seed})`,
  );
  const r = await generateLogs({ out: sampleDir, ...SAMPLE });
  say(`  ${r.files.length} files, ${r.lines} lines`);
}

const env = { ...process.env };
if (!env[HMAC_KEY_ENV]) {
  env[HMAC_KEY_ENV] = DEMO_KEY;
  say(`${HMAC_KEY_ENV} is not set: using a built-in sample key. Demo only — set your own secret key for real logs.`);
}

const cli = join(projectRoot, 'bin', 'fxa-metrics.mjs');
const args = ['nightly', '--input', sampleDir, '--data-dir', dataDir, ...process.argv.slice(2)];
say(`running: fxa-metrics ${args.map((a) => (a.startsWith(projectRoot) ? relative(projectRoot, a) || '.' : a)).join(' ')}`);
const run = spawnSync(process.execPath, [cli, ...args], { cwd: projectRoot, env, stdio: 'inherit' });

const warehouse = layout(dataDir).warehouse;
if (existsSync(warehouse)) {
  say(`\nDuckDB warehouse: ${warehouse}`);
  say(
    `  look inside:  npx fxa-metrics sql --data-dir ${relative(process.cwd(), dataDir) || '.'} "select * from main.flow_metadata limit 5"`,
  );
  say(`  check it:     npx fxa-metrics validate --data-dir ${relative(process.cwd(), dataDir) || '.'}`);
}

// The last lines: where the KPI report is. A run with nothing new writes none,
// so this is the newest one; with none at all, one is written now.
let kpiReport = latestKpiReport(dataDir);
if (!kpiReport && existsSync(warehouse)) {
  const out = layout(dataDir).startKpiReport;
  const r = spawnSync(process.execPath, [cli, 'report', '--data-dir', dataDir, '--out', out], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status === 0) kpiReport = out;
}
if (kpiReport) say(`\nKPI report: ${kpiReport}\n  open it:      ${pathToFileURL(kpiReport).href}`);
else say('\nno KPI report: the KPI tables were not built (see the problems above)');
process.exit(run.status ?? 1);
