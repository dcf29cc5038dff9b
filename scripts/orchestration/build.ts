// `build` and `backfill`: rebuild models for days already loaded, under the
// data dir's lock, without loading anything. A backfill is a build in
// bounded chunks so that one long range never becomes one huge transaction.
import { ExitCode } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { checkTargetConfig, type WarehouseTarget } from '../lib/warehouse/index.ts';
import { chunkRange, type DayRange } from '../lib/days.ts';
import type { RunReport } from './run-report.ts';
import { markBuilt, markValidated } from './run-state.ts';
import { runLocked, type RunOutcome } from './run.ts';
import { buildStep, checksStep, ensureBuildSection } from './steps.ts';
import { uploadStep, volumePath } from './upload.ts';

export interface BuildOptions {
  dataDir: string;
  target: WarehouseTarget;
  /** null with fullRefresh: rebuild every table from scratch */
  range: DayRange | null;
  fullRefresh?: boolean;
  /** backfill: days per dbt invocation */
  chunkDays?: number;
  sample: number;
}

export async function runBuild(command: 'build' | 'backfill', opts: BuildOptions): Promise<RunOutcome> {
  await checkTargetConfig(opts.target);
  const volume = volumePath(opts.target);
  const chunks = opts.range && opts.chunkDays ? chunkRange(opts.range, opts.chunkDays) : [opts.range];
  return runLocked(command, opts.dataDir, opts.target, async (report) => {
    // the raw zone may have been loaded by a standalone `load`: bring it over first
    if (volume) await uploadStep(report, opts.dataDir, volume);
    await buildChunks(report, opts, chunks);
  });
}

async function buildChunks(report: RunReport, opts: BuildOptions, chunks: Array<DayRange | null>): Promise<void> {
  ensureBuildSection(report, opts.fullRefresh ? 'full-refresh' : opts.range ? 'range' : 'full');
  let crashed = false;
  let allBuilt = true;
  for (const [i, chunk] of chunks.entries()) {
    if (chunks.length > 1) log.info(`chunk ${i + 1}/${chunks.length}: ${chunk!.from}..${chunk!.to}`);
    const { built, summary } = await buildStep(report, {
      dataDir: opts.dataDir,
      target: opts.target,
      range: chunk,
      fullRefresh: opts.fullRefresh,
    });
    if (built) markBuilt(opts.dataDir, chunk ?? 'all');
    if (!built) {
      allBuilt = false;
      // Later chunks build on earlier ones (look-backs): stop at the first failed one.
      crashed = summary.crashed;
      if (i < chunks.length - 1)
        log.error(`stopping: chunk ${chunk?.from}..${chunk?.to} did not build; ${chunks.length - i - 1} chunk(s) left`);
      break;
    }
  }
  if (!crashed) {
    await checksStep(report, { dataDir: opts.dataDir, target: opts.target, sample: opts.sample });
    if (allBuilt) markValidated(opts.dataDir);
  }
  const where = opts.fullRefresh ? 'full refresh' : opts.range ? `${opts.range.from}..${opts.range.to}` : 'every day';
  report.message = report.exitCode === ExitCode.ok ? `built ${where}` : `build of ${where}: ${report.problems.length} problem(s)`;
}
