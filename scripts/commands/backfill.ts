// `fxa-metrics backfill`: a build of a long range in bounded chunks, with progress.
import type { Command } from 'commander';
import { action } from '../lib/command.ts';
import { usageError } from '../lib/errors.ts';
import { resolveDataDir } from '../lib/paths.ts';
import { runBuild } from '../orchestration/build.ts';
import { parseDayFlag } from '../lib/days.ts';
import {
  addCommonOptions,
  finishRun,
  parsePositiveInt,
  resolveTarget,
  startLogging,
  DEFAULT_SAMPLE,
  type CommonFlags,
} from '../orchestration/cli-options.ts';

interface BackfillFlags extends CommonFlags {
  from: string;
  to: string;
  chunkDays: string;
  sample: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('backfill')
    .description('Rebuild the models for --from..--to in chunks of --chunk-days days, oldest first (no loading).')
    .requiredOption('--from <YYYY-MM-DD>', 'first day to rebuild')
    .requiredOption('--to <YYYY-MM-DD>', 'last day to rebuild (included)')
    .option('--chunk-days <n>', 'days per dbt build', '7')
    .option('--sample <n>', 'rows per table checked against its row schema', String(DEFAULT_SAMPLE));
  addCommonOptions(cmd);
  cmd.action(
    action(async (flags: BackfillFlags) => {
      startLogging(flags);
      const from = parseDayFlag('--from', flags.from)!;
      const to = parseDayFlag('--to', flags.to)!;
      if (from > to) throw usageError(`--from ${from} is after --to ${to}`);
      const outcome = await runBuild('backfill', {
        dataDir: resolveDataDir(flags.dataDir),
        target: resolveTarget(flags.target),
        range: { from, to },
        chunkDays: parsePositiveInt('--chunk-days', flags.chunkDays),
        sample: parsePositiveInt('--sample', flags.sample, 0),
      });
      return finishRun(outcome, flags);
    }),
  );
}
