// daily_multi_device_users against the original pipeline's self-join, on the
// same engine and the 90-day history data dir: our model for one night
// (dbt build --select with from/to) and as a 90-day full build, the baseline
// for one day and for all days, and the rows of both compared.
import { copyFileSync, cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runsFor, type BenchOptions } from '../lib/args.ts';
import { freshWorkDir } from '../lib/cache.ts';
import { benchChild, dbt, projectRoot } from '../lib/commands.ts';
import { layout } from '../../scripts/lib/paths.ts';
import { parseJsonOutput, type Measured } from '../lib/measure.ts';
import { failureLine, stageResult, type StageResult } from '../lib/stage.ts';
import { dbtBreakdown } from '../lib/dbt-results.ts';
import { summarize, type Summary } from '../lib/stats.ts';
import type { Template } from './history.ts';

const MODEL = 'daily_multi_device_users';

export interface SelectTiming {
  seconds: number[];
  rows: number;
}

export interface Comparison {
  seconds: number[];
  rows: number;
  modelRows: number;
  baselineOnly: number;
  modelOnly: number;
}

export interface MultiDeviceResult {
  day: string;
  lookback: number;
  runs: number;
  /** model execution time inside dbt (run_results), and the dbt process as a whole */
  ourNight: StageResult & { model: Summary | null };
  ourBackfill: StageResult & { model: Summary | null };
  baseline: StageResult & {
    oneDay: Summary | null;
    allDays: Summary | null;
    raw: {
      oneDay: Comparison;
      allDays: Comparison;
      modelSelect: { oneNight: SelectTiming; allDays: SelectTiming } | null;
      days: number;
      inputRows: number;
    } | null;
  };
  /**
   * The model's compiled SELECT (dbt's target/compiled file of the night and
   * of the full build) timed like the baseline: CREATE TABLE AS in the
   * baseline's warm process. The targets are judged on these (bench/README.md).
   */
  modelSelect: { oneNight: Summary | null; allDays: Summary | null; nightRows: number; allRows: number } | null;
  /** the baseline and the model have the same rows, for the one day and for all days */
  sameRows: boolean | null;
  problems: string[];
}

/** multi_device_lookback_days from dbt_project.yml (the model's own setting). */
export function lookbackDays(): number {
  const m = /^\s*multi_device_lookback_days:\s*(\d+)\s*$/m.exec(readFileSync(join(projectRoot, 'dbt_project.yml'), 'utf8'));
  return m ? Number(m[1]) : 5;
}

function modelSeconds(rr: Parameters<typeof dbtBreakdown>[0] | null): number | null {
  if (!rr) return null;
  return dbtBreakdown(rr).models.find((m) => m.model.endsWith(MODEL))?.seconds ?? null;
}

export async function runMultiDevice(t90: Template, opts: BenchOptions, say: (m: string) => void): Promise<MultiDeviceResult> {
  const n = runsFor('history', opts);
  const day = t90.lastDay;
  const lookback = lookbackDays();
  const problems: string[] = [];
  const work = freshWorkDir('multi-device');
  cpSync(t90.dataDir, work, { recursive: true });
  // Where dbt leaves the SQL it ran, and where each plan's copy is kept.
  const compiled = join(layout(work).dbtTarget, 'compiled', 'fxa_metrics', 'models', 'marts', `${MODEL}.sql`);
  const fullSql = join(work, 'bench-model-full.sql');
  const nightSql = join(work, 'bench-model-night.sql');

  // The full build first, then the one-night rebuild of the last day, so the
  // comparison below checks rows written by both paths.
  const backfill: Array<{ m: Measured; ok: boolean; extra: Record<string, unknown> }> = [];
  for (let i = 1; i <= n; i++) {
    say(`multi-device run ${i}/${n}: ${MODEL} full build over ${t90.depth} days`);
    const r = await dbt(['build', '--select', MODEL, '--full-refresh'], { dataDir: work });
    const s = modelSeconds(r.runResults);
    backfill.push({ m: r.run, ok: r.run.exitCode === 0 && s !== null, extra: { modelSeconds: s } });
    if (r.run.exitCode !== 0) problems.push(failureLine(`multi-device full build run ${i}`, r.run));
    else copyFileSync(compiled, fullSql);
  }
  const night: typeof backfill = [];
  for (let i = 1; i <= n; i++) {
    say(`multi-device run ${i}/${n}: ${MODEL} for one night (${day})`);
    const r = await dbt(['build', '--select', MODEL], { dataDir: work, vars: { from: day, to: day } });
    const s = modelSeconds(r.runResults);
    night.push({ m: r.run, ok: r.run.exitCode === 0 && s !== null, extra: { modelSeconds: s } });
    if (r.run.exitCode !== 0) problems.push(failureLine(`multi-device one-night run ${i}`, r.run));
    else copyFileSync(compiled, nightSql);
  }

  say(`multi-device: baseline self-join (one day and all days, ${n} run(s)) and row comparison`);
  const sqlArgs = backfill.some((r) => r.ok) && night.some((r) => r.ok) ? [nightSql, fullSql] : [];
  const b = await benchChild('multi-device-baseline.ts', [layout(work).warehouse, day, String(lookback), String(n), ...sqlArgs]);
  const raw = parseJsonOutput(b.stdout) as MultiDeviceResult['baseline']['raw'];
  if (b.exitCode !== 0 || !raw) problems.push(failureLine('multi-device baseline', b));
  if (!opts.keep) rmSync(work, { recursive: true, force: true });

  let sameRows: boolean | null = null;
  if (raw) {
    sameRows = [raw.oneDay, raw.allDays].every((c) => c.baselineOnly === 0 && c.modelOnly === 0);
    // The timed SELECTs must make the rows the baseline makes, or their times say nothing.
    const ms = raw.modelSelect;
    if (ms && (ms.oneNight.rows !== raw.oneDay.rows || ms.allDays.rows !== raw.allDays.rows)) {
      sameRows = false;
      problems.push(
        `MULTI-DEVICE MISMATCH: the model's compiled SELECT made ${ms.oneNight.rows} rows for ${day} (baseline ${raw.oneDay.rows}) and ${ms.allDays.rows} for all days (baseline ${raw.allDays.rows})`,
      );
    }
    if (!sameRows) {
      problems.push(
        `MULTI-DEVICE MISMATCH: baseline and model differ — one day: ${raw.oneDay.baselineOnly} rows only in the baseline, ${raw.oneDay.modelOnly} only in the model; ` +
          `all days: ${raw.allDays.baselineOnly} only in the baseline, ${raw.allDays.modelOnly} only in the model`,
      );
    }
  }
  const seconds = (rs: typeof backfill) => summarize(rs.filter((r) => r.ok).map((r) => r.extra.modelSeconds as number));
  return {
    day,
    lookback,
    runs: n,
    ourNight: { ...stageResult(night), model: seconds(night) },
    ourBackfill: { ...stageResult(backfill), model: seconds(backfill) },
    baseline: {
      ...stageResult([{ m: b, ok: b.exitCode === 0 && !!raw }]),
      oneDay: summarize(raw?.oneDay.seconds ?? []),
      allDays: summarize(raw?.allDays.seconds ?? []),
      raw,
    },
    modelSelect: raw?.modelSelect
      ? {
          oneNight: summarize(raw.modelSelect.oneNight.seconds),
          allDays: summarize(raw.modelSelect.allDays.seconds),
          nightRows: raw.modelSelect.oneNight.rows,
          allRows: raw.modelSelect.allDays.rows,
        }
      : null,
    sameRows,
    problems,
  };
}
