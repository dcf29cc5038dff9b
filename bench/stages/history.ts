// History depth: the nightly run for one new day on data dirs that already
// hold 7, 30 and 90 loaded and built days. A flat cost means the ratio
// 90-day / 7-day stays near 1. The same new day is used at every depth, and
// the history is the days just before it, so only the depth differs.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runsFor, type BenchOptions } from '../lib/args.ts';
import { cacheRoot, cached, codeStamp, freshWorkDir } from '../lib/cache.ts';
import { historyLogs, type HistoryLogs } from '../lib/inputs.ts';

/** The code whose change makes a prepared data dir stale: generator, loader, models, orchestration. */
const pipelineStamp = () =>
  codeStamp([
    'scripts/generator',
    'scripts/loader',
    'scripts/orchestration',
    'scripts/commands',
    'scripts/lib',
    'schemas',
    'models',
    'macros',
    'dbt_project.yml',
    'profiles.yml',
  ]);
import { fxa } from '../lib/commands.ts';
import { parseJsonOutput, type Measured } from '../lib/measure.ts';
import { nightlySummary } from '../lib/nightly-report.ts';
import { failureLine, stageResult, type StageResult } from '../lib/stage.ts';

export const DEPTHS = [7, 30, 90] as const;

export interface Template {
  depth: number;
  dataDir: string;
  firstDay: string;
  lastDay: string;
  loadSeconds: number;
  buildSeconds: number;
}

export interface HistoryResult {
  input: HistoryLogs & { reused: boolean };
  newDay: string;
  runs: number;
  depths: Record<number, StageResult & { template: Template; report: unknown }>;
  /** median nightly seconds at 90 days ÷ at 7 days */
  ratio90to7: number | null;
  problems: string[];
  /** data-check findings (exit 3): the timing stands, the finding is reported */
  notes: string[];
}

/** The data dir holding the `depth` days before the new day, loaded and built; prepared once. */
export async function prepareTemplate(
  h: HistoryLogs,
  depth: number,
  perDay: number,
  seed: number,
  say: (m: string) => void,
): Promise<Template> {
  const dir = join(cacheRoot, `history-${perDay}-${seed}`, `depth-${depth}`);
  const days = h.days.slice(h.days.length - 1 - depth, h.days.length - 1);
  const { value } = await cached(dir, pipelineStamp(), async (dd) => {
    say(`history: preparing a data dir with ${depth} days (${days[0]} … ${days.at(-1)}) — once, then cached`);
    const load = await fxa(['load', ...days.map((d) => h.dayDirs[d]), '--data-dir', dd, '--json']);
    if (load.exitCode !== 0) throw new Error(failureLine(`loading ${depth} days of history`, load));
    // Built the way an operator would, so the data dir is in the state nightly runs leave.
    const build = await fxa(['build', '--full-refresh', '--data-dir', dd]);
    if (build.exitCode === 3) say(`history: the ${depth}-day build reported data-check findings (exit 3); going on`);
    else if (build.exitCode !== 0) throw new Error(failureLine(`building ${depth} days of history`, build));
    return { depth, dataDir: dd, firstDay: days[0], lastDay: days.at(-1)!, loadSeconds: load.wallSeconds, buildSeconds: build.wallSeconds };
  });
  // The marker may come from a checkout elsewhere: the path is always this one.
  return { ...value, dataDir: dir };
}

export async function historyInput(opts: BenchOptions, say: (m: string) => void) {
  return historyLogs(opts.historyLinesPerDay, opts.seed, say);
}

export async function runHistory(
  input: HistoryLogs & { reused: boolean },
  opts: BenchOptions,
  say: (m: string) => void,
): Promise<HistoryResult> {
  const newDay = input.days.at(-1)!;
  const n = runsFor('history', opts);
  const problems: string[] = [];
  const notes: string[] = [];
  const templates: Template[] = [];
  for (const d of DEPTHS) templates.push(await prepareTemplate(input, d, opts.historyLinesPerDay, opts.seed, say));

  const runs: Record<number, Array<{ m: Measured; ok: boolean }>> = {};
  const reports: Record<number, unknown> = {};
  for (let i = 1; i <= n; i++) {
    for (const t of templates) {
      say(`history run ${i}/${n}: nightly for ${newDay} on ${t.depth} days`);
      const work = freshWorkDir(`history-${t.depth}-${i}`);
      cpSync(t.dataDir, work, { recursive: true });
      const m = await fxa(['nightly', '--input', input.dayDirs[newDay], '--data-dir', work, '--json']);
      (runs[t.depth] ??= []).push({ m, ok: m.exitCode === 0 || m.exitCode === 3 });
      reports[t.depth] = nightlySummary(parseJsonOutput(m.stdout)) ?? reports[t.depth] ?? null;
      if (m.exitCode === 3) notes.push(failureLine(`history ${t.depth} days run ${i} nightly data checks found something`, m));
      else if (m.exitCode !== 0) problems.push(failureLine(`history ${t.depth} days run ${i} nightly`, m));
      if (!opts.keep) rmSync(work, { recursive: true, force: true });
    }
  }

  const depths: HistoryResult['depths'] = {};
  for (const t of templates) depths[t.depth] = { ...stageResult(runs[t.depth]), template: t, report: reports[t.depth] };
  const r7 = depths[7]?.wall?.median;
  const r90 = depths[90]?.wall?.median;
  return { input, newDay, runs: n, depths, ratio90to7: r7 && r90 ? r90 / r7 : null, problems, notes };
}
