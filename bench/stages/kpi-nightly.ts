// The engagement KPI's nightly cost, before and after it became a group-by
// over users_last_seen, on a copy of the 90-day history data dir, for one
// night (from = to = its last day):
//   before: the previous model (bench/baselines/kpi_engagement_daily_before.sql,
//           which reads 33 days of activity_events), run by dbt in a copy of
//           the project where it takes the current model's place;
//   after:  users_last_seen, users_os_last_seen and kpi_engagement_daily,
//           the models that now do that work (each reads one partition).
// Each is `dbt run --select …` for the night: the models' execution_time
// from run_results.json (summed), beside the dbt process's wall and CPU
// seconds. dbt's bookkeeping (about 0.3 s a model whatever the data) weighs
// on three models more than on one, so the compiled SELECTs of the last runs
// are also timed alone, as the multi-device stage does
// (bench/children/time-selects.ts). The KPI rows both write are compared
// (EXCEPT ALL).
import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runsFor, type BenchOptions } from '../lib/args.ts';
import { freshWorkDir } from '../lib/cache.ts';
import { benchChild, dbt, projectRoot } from '../lib/commands.ts';
import { parseJsonOutput } from '../lib/measure.ts';
import { dbtBreakdown } from '../lib/dbt-results.ts';
import { fmtSeconds } from '../lib/format.ts';
import { failureLine, stageResult, type StageResult } from '../lib/stage.ts';
import { summarize, type Summary } from '../lib/stats.ts';
import { layout } from '../../scripts/lib/paths.ts';
import type { Template } from './history.ts';

const AFTER_MODELS = ['users_last_seen', 'users_os_last_seen', 'kpi_engagement_daily'];
const BEFORE_MODELS = ['kpi_engagement_daily'];
// What the project copy needs for dbt to parse and run.
const PROJECT_PARTS = ['dbt_project.yml', 'profiles.yml', 'models', 'macros', 'seeds', 'tests/dbt'];

export interface KpiNightlyResult {
  day: string;
  depth: number;
  runs: number;
  before: StageResult & { models: Summary | null };
  after: StageResult & { models: Summary | null; perModel: Record<string, Summary | null> };
  /** the compiled SELECTs timed alone: before's one, after's three summed, and each */
  selects: { before: Summary | null; after: Summary | null; each: Record<string, { seconds: number[]; rows: number }> } | null;
  /** KPI rows of the night's window only in the before / after table */
  beforeOnly: number | null;
  afterOnly: number | null;
  rows: number | null;
  problems: string[];
}

function modelSeconds(rr: Parameters<typeof dbtBreakdown>[0] | null, models: string[]): Record<string, number> | null {
  if (!rr) return null;
  const out: Record<string, number> = {};
  for (const m of dbtBreakdown(rr).models) {
    const name = models.find((x) => m.model.endsWith(`.${x}`) || m.model === x);
    if (name) out[name] = m.seconds;
  }
  return models.every((m) => m in out) ? out : null;
}

/** A copy of the dbt project with the previous engagement model in place of the current one. */
function beforeProject(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const part of PROJECT_PARTS) cpSync(join(projectRoot, part), join(dir, part), { recursive: true });
  copyFileSync(
    join(projectRoot, 'bench', 'baselines', 'kpi_engagement_daily_before.sql'),
    join(dir, 'models', 'marts', 'kpi', 'kpi_engagement_daily.sql'),
  );
  return dir;
}

async function snapshotKpi(warehouse: string, table: string): Promise<void> {
  const db = await DuckDBInstance.create(warehouse);
  const c = await db.connect();
  try {
    await c.run(`create or replace table main.${table} as select * from main.kpi_engagement_daily`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function compareSnapshots(warehouse: string): Promise<{ beforeOnly: number; afterOnly: number; rows: number }> {
  const db = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
  const c = await db.connect();
  const n = async (sql: string) => Number((await c.runAndReadAll(`select count(*) as n from (${sql})`)).getRowObjectsJS()[0].n);
  try {
    return {
      beforeOnly: await n('select * from main.bench_kpi_before except all select * from main.bench_kpi_after'),
      afterOnly: await n('select * from main.bench_kpi_after except all select * from main.bench_kpi_before'),
      rows: await n('select * from main.bench_kpi_after'),
    };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

export async function runKpiNightly(t90: Template, opts: BenchOptions, say: (m: string) => void): Promise<KpiNightlyResult> {
  const n = runsFor('history', opts);
  const day = t90.lastDay;
  const vars = { from: day, to: day };
  const problems: string[] = [];
  const work = freshWorkDir('kpi-nightly');
  cpSync(t90.dataDir, work, { recursive: true });
  const project = beforeProject(join(work, 'project-before'));
  const warehouse = layout(work).warehouse;
  const compiled = (model: string) =>
    join(
      layout(work).dbtTarget,
      'compiled',
      'fxa_metrics',
      'models',
      'marts',
      ...(model.startsWith('kpi_') ? ['kpi'] : []),
      `${model}.sql`,
    );
  const selectFile = (name: string) => join(work, `bench-${name}.sql`);

  // Interleaved, so that a change in the machine's load hits both alike.
  const before: Array<{ m: Awaited<ReturnType<typeof dbt>>['run']; ok: boolean; extra: Record<string, unknown> }> = [];
  const after: typeof before = [];
  for (let i = 1; i <= n; i++) {
    say(`kpi nightly run ${i}/${n}: the previous engagement model for ${day}`);
    const b = await dbt(['run', '--select', ...BEFORE_MODELS, '--project-dir', project], { dataDir: work, vars });
    const bs = modelSeconds(b.runResults, BEFORE_MODELS);
    before.push({ m: b.run, ok: b.run.exitCode === 0 && bs !== null, extra: { models: bs } });
    if (b.run.exitCode !== 0) problems.push(failureLine(`kpi nightly before, run ${i}`, b.run));
    else if (i === n) {
      await snapshotKpi(warehouse, 'bench_kpi_before');
      copyFileSync(compiled('kpi_engagement_daily'), selectFile('before_kpi'));
    }

    say(`kpi nightly run ${i}/${n}: users_last_seen, users_os_last_seen, kpi_engagement_daily for ${day}`);
    const a = await dbt(['run', '--select', ...AFTER_MODELS], { dataDir: work, vars });
    const as = modelSeconds(a.runResults, AFTER_MODELS);
    after.push({ m: a.run, ok: a.run.exitCode === 0 && as !== null, extra: { models: as } });
    if (a.run.exitCode !== 0) problems.push(failureLine(`kpi nightly after, run ${i}`, a.run));
    else if (i === n) {
      await snapshotKpi(warehouse, 'bench_kpi_after');
      for (const m of AFTER_MODELS) copyFileSync(compiled(m), selectFile(`after_${m}`));
    }
  }
  let selects: KpiNightlyResult['selects'] = null;
  if (before.at(-1)?.ok && after.at(-1)?.ok) {
    say(`kpi nightly: the compiled SELECTs alone, ${n} round(s)`);
    const names = ['before_kpi', ...AFTER_MODELS.map((m) => `after_${m}`)];
    const t = await benchChild('time-selects.ts', [warehouse, String(n), ...names.map((x) => `${x}=${selectFile(x)}`)]);
    const each = parseJsonOutput(t.stdout) as Record<string, { seconds: number[]; rows: number }> | null;
    if (t.exitCode !== 0 || !each) problems.push(failureLine('kpi nightly SELECTs', t));
    else {
      const afterRounds = each[names[1]].seconds.map((_, k) => names.slice(1).reduce((sum, x) => sum + each[x].seconds[k], 0));
      selects = { before: summarize(each.before_kpi.seconds), after: summarize(afterRounds), each };
    }
  }
  let cmp: { beforeOnly: number; afterOnly: number; rows: number } | null = null;
  if (before.at(-1)?.ok && after.at(-1)?.ok) {
    cmp = await compareSnapshots(warehouse);
    if (cmp.beforeOnly || cmp.afterOnly) {
      problems.push(`KPI NIGHTLY MISMATCH: ${cmp.beforeOnly} kpi_engagement_daily rows only before, ${cmp.afterOnly} only after`);
    }
  }
  if (!opts.keep) rmSync(work, { recursive: true, force: true });

  const total = (runs: typeof before) =>
    summarize(runs.filter((r) => r.ok).map((r) => Object.values(r.extra.models as Record<string, number>).reduce((x, y) => x + y, 0)));
  const perModel = Object.fromEntries(
    AFTER_MODELS.map((m) => [m, summarize(after.filter((r) => r.ok).map((r) => (r.extra.models as Record<string, number>)[m]))]),
  );
  return {
    day,
    depth: t90.depth,
    runs: n,
    before: { ...stageResult(before), models: total(before) },
    after: { ...stageResult(after), models: total(after), perModel },
    selects,
    beforeOnly: cmp?.beforeOnly ?? null,
    afterOnly: cmp?.afterOnly ?? null,
    rows: cmp?.rows ?? null,
    problems,
  };
}

/** The printed rows (stage, median, min, max, rate, peak RSS, target, met?). */
export function kpiNightlyRows(
  r: KpiNightlyResult,
  row: (stage: string, s: Summary | null, rate: string, rssKb: number | null, target?: string, met?: string) => string[],
): string[][] {
  const cpu = (s: StageResult) => `dbt process ${fmtSeconds(s.wall?.median)} wall, ${fmtSeconds(s.cpu?.median)} CPU`;
  const ratio = r.before.models?.median && r.after.models?.median ? r.after.models.median / r.before.models.median : null;
  const same = r.beforeOnly === 0 && r.afterOnly === 0;
  const sel = r.selects;
  const selRatio = sel?.before?.median && sel.after?.median ? sel.after.median / sel.before.median : null;
  const each = sel
    ? Object.entries(sel.each)
        .filter(([k]) => k.startsWith('after_'))
        .map(([k, v]) => `${k.slice(6)} ${fmtSeconds(summarize(v.seconds)?.median)}`)
        .join(', ')
    : '';
  return [
    row('kpi nightly SELECT before: kpi_engagement_daily', sel?.before ?? null, sel ? `${sel.each.before_kpi.rows} rows` : '', null),
    row(
      'kpi nightly SELECTs after: the three models',
      sel?.after ?? null,
      each,
      null,
      'after ≤ before',
      selRatio === null ? '' : `${selRatio <= 1 ? 'yes' : 'NO'} (× ${selRatio.toFixed(2)})`,
    ),
    row(
      `kpi nightly before: kpi_engagement_daily over 33 days of events (${r.day}, ${r.depth}-day history)`,
      r.before.models,
      cpu(r.before),
      r.before.peakRssKb,
    ),
    row(
      'kpi nightly after: users_last_seen + users_os_last_seen + kpi_engagement_daily',
      r.after.models,
      cpu(r.after),
      r.after.peakRssKb,
      '',
      ratio === null ? '' : `× ${ratio.toFixed(2)} in dbt`,
    ),
    row(
      'kpi nightly rows, before vs after',
      null,
      r.rows === null ? '' : `${r.rows} rows; ${r.beforeOnly}/${r.afterOnly} only before/after`,
      null,
      'same rows',
      r.rows === null ? '' : same ? 'yes' : 'NO',
    ),
  ];
}
